//! Property values: yearly rules, dates, durations in days and escaped text.

use jiff::civil::Date;

use super::event::YearlyRule;
use super::reader::Property;

pub(super) fn parse_rule(value: &str) -> Result<YearlyRule, String> {
    let mut rule = YearlyRule {
        interval: 1,
        count: None,
        until: None,
    };
    let mut yearly = false;
    for part in value.split(';').filter(|p| !p.is_empty()) {
        let (k, v) = part
            .split_once('=')
            .ok_or_else(|| format!("RRULE part {part:?} has no '='"))?;
        match k.to_ascii_uppercase().as_str() {
            "FREQ" if v.eq_ignore_ascii_case("YEARLY") => yearly = true,
            "INTERVAL" => {
                rule.interval = v
                    .parse()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| format!("RRULE INTERVAL {v:?} is not a positive number"))?;
            }
            "COUNT" => {
                rule.count = Some(
                    v.parse()
                        .map_err(|_| format!("RRULE COUNT {v:?} is not a number"))?,
                );
            }
            "UNTIL" => {
                rule.until = Some(
                    parse_date(v.get(..8).unwrap_or(v))
                        .ok_or_else(|| format!("RRULE UNTIL {v:?} is not a date"))?,
                );
            }
            // Holiday feeds repeat DTSTART's month and day here; anything else moves the date.
            "BYMONTH" | "BYMONTHDAY" | "WKST" => {}
            _ => {
                return Err(format!(
                    "RRULE {value:?} is not supported: only yearly rules on a fixed date are; \
                     list other holidays as one event per date"
                ));
            }
        }
    }
    if !yearly {
        return Err(format!(
            "RRULE {value:?} is not supported: only FREQ=YEARLY; list other holidays as one event per date"
        ));
    }
    Ok(rule)
}

pub(super) enum DateValue {
    Date(Date),
    DateTime,
    Bad,
}

pub(super) fn parse_date_value(prop: &Property) -> DateValue {
    let is_date_param = prop
        .params
        .iter()
        .any(|(k, v)| k == "VALUE" && v.eq_ignore_ascii_case("DATE"));
    let v = prop.value.trim();
    if v.len() == 8 || is_date_param {
        return parse_date(v).map_or(DateValue::Bad, DateValue::Date);
    }
    if v.len() >= 15 && v.as_bytes().get(8) == Some(&b'T') && parse_date(&v[..8]).is_some() {
        return DateValue::DateTime;
    }
    DateValue::Bad
}

/// `YYYYMMDD`.
pub(super) fn parse_date(s: &str) -> Option<Date> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y = s[..4].parse().ok()?;
    let m = s[4..6].parse().ok()?;
    let d = s[6..].parse().ok()?;
    Date::new(y, m, d).ok()
}

/// `P1D`, `P2W`, `P1W3D`: a whole number of days.
pub(super) fn parse_days(s: &str) -> Option<i64> {
    let span: jiff::Span = s.parse().ok()?;
    let simple = span.get_years() == 0
        && span.get_months() == 0
        && span.get_hours() == 0
        && span.get_minutes() == 0
        && span.get_seconds() == 0;
    simple.then(|| i64::from(span.get_weeks()) * 7 + i64::from(span.get_days()))
}

pub(super) fn unescape(s: &str) -> String {
    s.replace("\\n", " ")
        .replace("\\N", " ")
        .replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\\\", "\\")
}

//! Holidays imported from an iCalendar (RFC 5545) file: its all-day events.
//!
//! Written for holiday feeds rather than taken from a general iCalendar crate: an administrator
//! who uploads a bad file must be told the line that is wrong, for structure and for values alike,
//! and the general parsers report neither (or only for unfolded text), while pulling a second
//! date-time library beside `jiff`. Only what holiday feeds use is read: `VEVENT`s with `DTSTART`,
//! `DTEND` or `DURATION` in days, yearly `RRULE`s and `EXDATE`s. Timed events are skipped with a
//! warning naming their line, since a holiday closes a whole date.

use std::collections::BTreeSet;

use jiff::civil::Date;

/// A bad iCalendar file: the line (1-based, in the file as given) and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct IcsError {
    /// The line, counting from 1, where the problem starts.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// One holiday as read from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    /// The local date it closes.
    pub date: Date,
    /// Its `SUMMARY`, if any.
    pub name: Option<String>,
}

/// What an import found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IcsImport {
    /// Holidays, sorted by date, one per date.
    pub holidays: Vec<Holiday>,
    /// Events that were passed over, each naming its line and why.
    pub warnings: Vec<String>,
}

impl IcsImport {
    /// Just the dates.
    pub fn dates(&self) -> impl Iterator<Item = Date> + '_ {
        self.holidays.iter().map(|h| h.date)
    }
}

/// How far an event may last, and how many dates one rule may give: a guard against a typo such as
/// `DTEND:30260101` turning into a millennium of holidays.
const MAX_EVENT_DAYS: i64 = 366;
const MAX_OCCURRENCES: usize = 1000;

/// Reads the holidays of an iCalendar text. Yearly rules without an end are expanded up to and
/// including the year of `expand_until`.
pub fn parse_holidays(text: &str, expand_until: Date) -> Result<IcsImport, IcsError> {
    let mut import = IcsImport::default();
    let mut stack: Vec<(String, usize)> = Vec::new();
    let mut event: Option<EventDraft> = None;
    let mut seen_calendar = false;
    let mut found: Vec<Holiday> = Vec::new();

    for line in unfold(text) {
        let prop = parse_content_line(&line)?;
        let err = |message: String| IcsError {
            line: line.number,
            message,
        };
        match prop.name.as_str() {
            "BEGIN" => {
                let what = prop.value.to_ascii_uppercase();
                if stack.is_empty() && what != "VCALENDAR" {
                    return Err(err(format!("expected BEGIN:VCALENDAR, found BEGIN:{what}")));
                }
                if what == "VCALENDAR" {
                    seen_calendar = true;
                }
                if what == "VEVENT" && stack.len() == 1 {
                    event = Some(EventDraft::new(line.number));
                }
                stack.push((what, line.number));
            }
            "END" => {
                let what = prop.value.to_ascii_uppercase();
                match stack.pop() {
                    Some((open, _)) if open == what => {}
                    Some((open, at)) => {
                        return Err(err(format!(
                            "END:{what} does not close BEGIN:{open} of line {at}"
                        )));
                    }
                    None => return Err(err(format!("END:{what} without a BEGIN"))),
                }
                if what == "VEVENT"
                    && stack.len() == 1
                    && let Some(ev) = event.take()
                {
                    ev.finish(expand_until, &mut found, &mut import.warnings)?;
                }
            }
            _ if stack.is_empty() => {
                return Err(err(format!(
                    "{} outside BEGIN:VCALENDAR…END:VCALENDAR",
                    prop.name
                )));
            }
            _ => {
                // Properties of nested components (VALARM inside VEVENT) are not the event's.
                if let (Some(ev), 2) = (event.as_mut(), stack.len()) {
                    ev.take(&prop, line.number)?;
                }
            }
        }
    }
    if let Some((open, at)) = stack.pop() {
        return Err(IcsError {
            line: at,
            message: format!("BEGIN:{open} is never closed with END:{open}"),
        });
    }
    if !seen_calendar {
        return Err(IcsError {
            line: 1,
            message: "not an iCalendar file: no BEGIN:VCALENDAR".to_owned(),
        });
    }
    found.sort_by_key(|h| h.date);
    found.dedup_by_key(|h| h.date);
    import.holidays = found;
    Ok(import)
}

/// A logical line after unfolding, with the number of the physical line it starts on.
struct Line {
    number: usize,
    text: String,
}

fn unfold(text: &str) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if let Some(rest) = raw.strip_prefix([' ', '\t'])
            && let Some(last) = out.last_mut()
        {
            last.text.push_str(rest);
            continue;
        }
        if raw.trim().is_empty() {
            continue;
        }
        out.push(Line {
            number: i + 1,
            text: raw.to_owned(),
        });
    }
    out
}

struct Property {
    name: String,
    params: Vec<(String, String)>,
    value: String,
}

fn parse_content_line(line: &Line) -> Result<Property, IcsError> {
    let err = |message: &str| IcsError {
        line: line.number,
        message: format!("{message}: {:?}", line.text),
    };
    let text = &line.text;
    let name_end = text
        .find([';', ':'])
        .ok_or_else(|| err("no ':' after the property name"))?;
    let name = &text[..name_end];
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(err("invalid property name"));
    }
    let mut params = Vec::new();
    let mut rest = &text[name_end..];
    while let Some(after) = rest.strip_prefix(';') {
        let eq = after
            .find('=')
            .ok_or_else(|| err("parameter without '='"))?;
        let key = after[..eq].to_ascii_uppercase();
        let val_part = &after[eq + 1..];
        let (value, tail) = if let Some(quoted) = val_part.strip_prefix('"') {
            let close = quoted
                .find('"')
                .ok_or_else(|| err("unclosed quote in a parameter"))?;
            (&quoted[..close], &quoted[close + 1..])
        } else {
            let end = val_part
                .find([';', ':'])
                .ok_or_else(|| err("no ':' before the value"))?;
            (&val_part[..end], &val_part[end..])
        };
        params.push((key, value.to_owned()));
        rest = tail;
    }
    let value = rest
        .strip_prefix(':')
        .ok_or_else(|| err("no ':' before the value"))?;
    Ok(Property {
        name: name.to_ascii_uppercase(),
        params,
        value: value.to_owned(),
    })
}

/// The parts of a `VEVENT` that matter for holidays, gathered until its `END`.
struct EventDraft {
    begin_line: usize,
    start: Option<(Date, usize)>,
    timed: Option<usize>,
    end: Option<Date>,
    days: Option<i64>,
    rule: Option<(YearlyRule, usize)>,
    exdates: BTreeSet<Date>,
    summary: Option<String>,
}

struct YearlyRule {
    interval: i16,
    count: Option<usize>,
    until: Option<Date>,
}

impl EventDraft {
    fn new(begin_line: usize) -> EventDraft {
        EventDraft {
            begin_line,
            start: None,
            timed: None,
            end: None,
            days: None,
            rule: None,
            exdates: BTreeSet::new(),
            summary: None,
        }
    }

    fn take(&mut self, prop: &Property, line: usize) -> Result<(), IcsError> {
        let err = |message: String| IcsError { line, message };
        match prop.name.as_str() {
            "DTSTART" => match parse_date_value(prop) {
                DateValue::Date(d) => self.start = Some((d, line)),
                DateValue::DateTime => self.timed = Some(line),
                DateValue::Bad => {
                    return Err(err(format!("DTSTART {:?} is not a date", prop.value)));
                }
            },
            "DTEND" => match parse_date_value(prop) {
                DateValue::Date(d) => self.end = Some(d),
                DateValue::DateTime => self.timed = Some(line),
                DateValue::Bad => return Err(err(format!("DTEND {:?} is not a date", prop.value))),
            },
            "DURATION" => {
                self.days = Some(parse_days(&prop.value).ok_or_else(|| {
                    err(format!(
                        "DURATION {:?} is not a whole number of days or weeks (P1D, P2W)",
                        prop.value
                    ))
                })?);
            }
            "RRULE" => self.rule = Some((parse_rule(&prop.value).map_err(err)?, line)),
            "EXDATE" => {
                for part in prop.value.split(',') {
                    match parse_date(part.get(..8).unwrap_or(part)) {
                        Some(d) => {
                            self.exdates.insert(d);
                        }
                        None => return Err(err(format!("EXDATE {part:?} is not a date"))),
                    }
                }
            }
            "SUMMARY" => self.summary = Some(unescape(&prop.value)),
            _ => {}
        }
        Ok(())
    }

    fn finish(
        self,
        expand_until: Date,
        found: &mut Vec<Holiday>,
        warnings: &mut Vec<String>,
    ) -> Result<(), IcsError> {
        if let Some(line) = self.timed {
            warnings.push(format!(
                "line {line}: skipped {}: it has a time of day, and a holiday must be an all-day event",
                self.summary.as_deref().unwrap_or("an event")
            ));
            return Ok(());
        }
        let Some((start, start_line)) = self.start else {
            return Err(IcsError {
                line: self.begin_line,
                message: "VEVENT without DTSTART".to_owned(),
            });
        };
        let days = match (self.end, self.days) {
            (Some(end), _) => (end - start).get_days().into(),
            (None, Some(days)) => days,
            (None, None) => 1,
        };
        if !(1..=MAX_EVENT_DAYS).contains(&days) {
            return Err(IcsError {
                line: start_line,
                message: format!(
                    "the event lasts {days} days; an all-day event lasts from 1 to {MAX_EVENT_DAYS}"
                ),
            });
        }
        let mut firsts = vec![start];
        if let Some((rule, rule_line)) = self.rule {
            firsts = rule.occurrences(start, expand_until);
            if firsts.len() > MAX_OCCURRENCES {
                return Err(IcsError {
                    line: rule_line,
                    message: format!("the rule gives more than {MAX_OCCURRENCES} dates"),
                });
            }
        }
        for first in firsts.into_iter().filter(|d| !self.exdates.contains(d)) {
            let mut date = first;
            for _ in 0..days {
                found.push(Holiday {
                    date,
                    name: self.summary.clone(),
                });
                match date.tomorrow() {
                    Ok(next) => date = next,
                    Err(_) => break,
                }
            }
        }
        Ok(())
    }
}

impl YearlyRule {
    fn occurrences(&self, start: Date, expand_until: Date) -> Vec<Date> {
        // A rule with neither COUNT nor UNTIL never ends: stop at the horizon asked for.
        let last = match (self.until, self.count) {
            (Some(until), _) => until,
            (None, Some(_)) => Date::MAX,
            (None, None) => expand_until,
        };
        let limit = self.count.unwrap_or(usize::MAX).min(MAX_OCCURRENCES + 1);
        let mut out = Vec::new();
        let mut year = start.year();
        while out.len() < limit && year <= last.year() {
            // A 29 February rule recurs only in leap years; other years are skipped, not moved.
            if let Ok(d) = Date::new(year, start.month(), start.day()) {
                if d > last {
                    break;
                }
                out.push(d);
            }
            match year.checked_add(self.interval) {
                Some(y) if y <= 9999 => year = y,
                _ => break,
            }
        }
        out
    }
}

fn parse_rule(value: &str) -> Result<YearlyRule, String> {
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

enum DateValue {
    Date(Date),
    DateTime,
    Bad,
}

fn parse_date_value(prop: &Property) -> DateValue {
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
fn parse_date(s: &str) -> Option<Date> {
    if s.len() != 8 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y = s[..4].parse().ok()?;
    let m = s[4..6].parse().ok()?;
    let d = s[6..].parse().ok()?;
    Date::new(y, m, d).ok()
}

/// `P1D`, `P2W`, `P1W3D`: a whole number of days.
fn parse_days(s: &str) -> Option<i64> {
    let span: jiff::Span = s.parse().ok()?;
    let simple = span.get_years() == 0
        && span.get_months() == 0
        && span.get_hours() == 0
        && span.get_minutes() == 0
        && span.get_seconds() == 0;
    simple.then(|| i64::from(span.get_weeks()) * 7 + i64::from(span.get_days()))
}

fn unescape(s: &str) -> String {
    s.replace("\\n", " ")
        .replace("\\N", " ")
        .replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\\\", "\\")
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    const HORIZON: Date = Date::constant(2028, 12, 31);

    fn ics(events: &str) -> String {
        format!("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{events}END:VCALENDAR\r\n")
    }

    #[test]
    fn reads_single_multi_day_and_yearly_all_day_events() {
        let text = ics(concat!(
            "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260824\r\nSUMMARY:Independence Day\r\nEND:VEVENT\r\n",
            "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261231\r\nDTEND;VALUE=DATE:20270103\r\n",
            "SUMMARY:New\r\n  Year\r\nEND:VEVENT\r\n",
            "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260308\r\nRRULE:FREQ=YEARLY;BYMONTH=3\r\n",
            "EXDATE;VALUE=DATE:20270308\r\nSUMMARY:Women's Day\r\nEND:VEVENT\r\n",
        ));
        let got = parse_holidays(&text, HORIZON).unwrap();
        let dates: Vec<Date> = got.dates().collect();
        assert_eq!(
            dates,
            vec![
                date(2026, 3, 8),
                date(2026, 8, 24),
                date(2026, 12, 31),
                date(2027, 1, 1),
                date(2027, 1, 2),
                date(2028, 3, 8),
            ]
        );
        assert_eq!(got.holidays[2].name.as_deref(), Some("New Year"));
        assert!(got.warnings.is_empty());
    }

    #[test]
    fn timed_events_are_skipped_with_a_warning_naming_the_line() {
        let text =
            ics("BEGIN:VEVENT\r\nDTSTART:20260824T100000Z\r\nSUMMARY:Party\r\nEND:VEVENT\r\n");
        let got = parse_holidays(&text, HORIZON).unwrap();
        assert!(got.holidays.is_empty());
        assert_eq!(got.warnings.len(), 1);
        assert!(got.warnings[0].starts_with("line 5:"), "{:?}", got.warnings);
    }

    #[test]
    fn errors_name_the_line_in_the_file_as_given() {
        let cases = [
            (
                "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20261340\r\nEND:VEVENT\r\n",
                5,
                "not a date",
            ),
            (
                "BEGIN:VEVENT\r\nSUMMARY:x\r\n y\r\nDTSTART\r\nEND:VEVENT\r\n",
                7,
                "no ':'",
            ),
            (
                "BEGIN:VEVENT\r\nSUMMARY:no start\r\nEND:VEVENT\r\n",
                4,
                "without DTSTART",
            ),
            (
                "BEGIN:VEVENT\r\nDTSTART:20260101\r\nEND:VTODO\r\n",
                6,
                "does not close",
            ),
            (
                "BEGIN:VEVENT\r\nDTSTART:20260101\r\n",
                6,
                "does not close BEGIN:VEVENT of line 4",
            ),
            (
                "BEGIN:VEVENT\r\nDTSTART:20260101\r\nRRULE:FREQ=MONTHLY\r\nEND:VEVENT\r\n",
                6,
                "not supported",
            ),
            (
                "BEGIN:VEVENT\r\nDTSTART:20260101\r\nDTEND:30260101\r\nEND:VEVENT\r\n",
                5,
                "lasts",
            ),
        ];
        for (events, line, needle) in cases {
            let err = parse_holidays(&ics(events), HORIZON).unwrap_err();
            assert_eq!(err.line, line, "{events:?}: {err}");
            assert!(err.to_string().contains(needle), "{events:?}: {err}");
        }
        let err = parse_holidays("hello\n", HORIZON).unwrap_err();
        assert_eq!(err.line, 1);
    }

    #[test]
    fn yearly_rules_honour_count_until_interval_and_leap_days() {
        let one = |rule: &str, start: &str| {
            let text = ics(&format!(
                "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:{start}\r\nRRULE:{rule}\r\nEND:VEVENT\r\n"
            ));
            parse_holidays(&text, HORIZON)
                .unwrap()
                .dates()
                .collect::<Vec<_>>()
        };
        assert_eq!(one("FREQ=YEARLY;COUNT=2", "20260101").len(), 2);
        assert_eq!(one("FREQ=YEARLY;UNTIL=20271231", "20260101").len(), 2);
        assert_eq!(one("FREQ=YEARLY;INTERVAL=2", "20240101").len(), 3);
        assert_eq!(
            one("FREQ=YEARLY", "20240229"),
            vec![date(2024, 2, 29), date(2028, 2, 29)]
        );
    }
}

//! Holidays imported from an iCalendar (RFC 5545) file: its all-day events.
//!
//! Written for holiday feeds rather than taken from a general iCalendar crate: an administrator
//! who uploads a bad file must be told the line that is wrong, for structure and for values alike,
//! and the general parsers report neither (or only for unfolded text), while pulling a second
//! date-time library beside `jiff`. Only what holiday feeds use is read: `VEVENT`s with `DTSTART`,
//! `DTEND` or `DURATION` in days, yearly `RRULE`s and `EXDATE`s. Timed events are skipped with a
//! warning naming their line, since a holiday closes a whole date.
//!
//! # Limits
//!
//! The file comes from outside (an administrator's upload, a path given to the CLI), and a few
//! hundred kilobytes of rules can ask for billions of dates: 1,666 year-long events repeated
//! `COUNT=1000` times once took the CLI to 22 GB. So the input and what it expands to are
//! bounded, each by a named constant, and going over one is an [`IcsError::Limit`] that names the
//! limit and its number (never a partial import):
//!
//! | limit | value | bounds |
//! |---|---|---|
//! | [`MAX_ICS_BYTES`] | 512 KiB | the whole file (a country's holidays for decades is a few dozen KB) |
//! | [`MAX_LINE_BYTES`] | 16 KiB | one line as given |
//! | [`MAX_UNFOLDED_BYTES`] | 64 KiB | one property with its continuation lines |
//! | [`MAX_NESTING`] | 8 | components inside components (`VCALENDAR` › `VEVENT` › `VALARM` is 3) |
//! | [`MAX_EVENTS`] | 5,000 | `VEVENT`s in the file |
//! | [`MAX_DATES`] | 10,000 | holiday dates the whole file gives, counted while they are made |
//!
//! Besides, an event lasts at most [`MAX_EVENT_DAYS`] and one rule gives at most
//! [`MAX_OCCURRENCES`] dates (guards against typos, reported as value errors on their line).
//! Every rule, with `COUNT`, `UNTIL` or neither, stops at the caller's horizon (`expand_until`):
//! a date after it is never made, so a rule costs what the horizon asks for, not what it says.
//! Events listed one by one are kept as written (the file's size bounds them), and all count
//! against [`MAX_DATES`].

use std::collections::BTreeSet;
use std::sync::Arc;

use jiff::civil::Date;

/// The largest iCalendar file read, in bytes.
pub const MAX_ICS_BYTES: usize = 512 * 1024;
/// The longest line as given (before unfolding), in bytes. RFC 5545 asks for 75; generators that
/// never fold still stay far below this.
pub const MAX_LINE_BYTES: usize = 16 * 1024;
/// The longest property once its continuation lines are joined, in bytes.
pub const MAX_UNFOLDED_BYTES: usize = 64 * 1024;
/// How deep components may nest.
pub const MAX_NESTING: usize = 8;
/// How many `VEVENT`s a file may have.
pub const MAX_EVENTS: usize = 5_000;
/// How many holiday dates a whole file may give (each day of a multi-day event counts, and each
/// occurrence of a rule): the cap on what the import materialises.
pub const MAX_DATES: usize = 10_000;
/// How far an event may last: a guard against a typo such as `DTEND:30260101` turning into a
/// millennium of holidays.
pub const MAX_EVENT_DAYS: i64 = 366;
/// How many dates one rule may give before the horizon.
pub const MAX_OCCURRENCES: usize = 1000;

/// A bad iCalendar file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IcsError {
    /// A line that is wrong: the line (1-based, in the file as given) and what is wrong there.
    #[error("line {line}: {message}")]
    Invalid {
        /// The line, counting from 1, where the problem starts.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The file goes over one of the limits in the module's header.
    #[error("{0}")]
    Limit(IcsLimit),
}

impl IcsError {
    /// The line where the problem starts (1 for the file as a whole).
    pub fn line(&self) -> usize {
        match self {
            IcsError::Invalid { line, .. } => *line,
            IcsError::Limit(limit) => limit.line().unwrap_or(1),
        }
    }
}

/// A limit of the module's header that a file went over; its number is [`IcsLimit::max`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IcsLimit {
    /// Over [`MAX_ICS_BYTES`].
    #[error(
        "the file is larger than {MAX_ICS_BYTES} bytes (512 KiB), the most a holiday file may be"
    )]
    FileSize,
    /// A line over [`MAX_LINE_BYTES`].
    #[error("line {line}: longer than {MAX_LINE_BYTES} bytes, the most a line may be")]
    LineLength {
        /// The line.
        line: usize,
    },
    /// A property over [`MAX_UNFOLDED_BYTES`] with its continuation lines.
    #[error(
        "line {line}: longer than {MAX_UNFOLDED_BYTES} bytes with its continuation lines, the most a property may be"
    )]
    UnfoldedLength {
        /// The line the property starts on.
        line: usize,
    },
    /// Components nested deeper than [`MAX_NESTING`].
    #[error("line {line}: components nested more than {MAX_NESTING} deep")]
    Nesting {
        /// The `BEGIN` that went too deep.
        line: usize,
    },
    /// More than [`MAX_EVENTS`] events.
    #[error("line {line}: more than {MAX_EVENTS} events, the most a holiday file may have")]
    Events {
        /// The `BEGIN:VEVENT` of the first event too many.
        line: usize,
    },
    /// More than [`MAX_DATES`] dates in all.
    #[error(
        "line {line}: the events give more than {MAX_DATES} dates, the most a holiday file may give; \
         list fewer years or shorter events"
    )]
    Dates {
        /// The event whose dates went over.
        line: usize,
    },
}

impl IcsLimit {
    /// The limit's number, in its unit (bytes, levels, events, dates).
    pub fn max(self) -> usize {
        match self {
            IcsLimit::FileSize => MAX_ICS_BYTES,
            IcsLimit::LineLength { .. } => MAX_LINE_BYTES,
            IcsLimit::UnfoldedLength { .. } => MAX_UNFOLDED_BYTES,
            IcsLimit::Nesting { .. } => MAX_NESTING,
            IcsLimit::Events { .. } => MAX_EVENTS,
            IcsLimit::Dates { .. } => MAX_DATES,
        }
    }

    /// The line it was found on, if a line.
    pub fn line(self) -> Option<usize> {
        match self {
            IcsLimit::FileSize => None,
            IcsLimit::LineLength { line }
            | IcsLimit::UnfoldedLength { line }
            | IcsLimit::Nesting { line }
            | IcsLimit::Events { line }
            | IcsLimit::Dates { line } => Some(line),
        }
    }
}

impl From<IcsLimit> for IcsError {
    fn from(limit: IcsLimit) -> IcsError {
        IcsError::Limit(limit)
    }
}

/// One holiday as read from the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    /// The local date it closes.
    pub date: Date,
    /// Its `SUMMARY`, if any (shared by every date of the event).
    pub name: Option<Arc<str>>,
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

/// Reads the holidays of an iCalendar text. Yearly rules are expanded up to `expand_until` and
/// no further, whatever their `COUNT` or `UNTIL`; the limits of the module's header apply.
pub fn parse_holidays(text: &str, expand_until: Date) -> Result<IcsImport, IcsError> {
    if text.len() > MAX_ICS_BYTES {
        return Err(IcsLimit::FileSize.into());
    }
    let mut import = IcsImport::default();
    let mut stack: Vec<(String, usize)> = Vec::new();
    let mut event: Option<EventDraft> = None;
    let mut seen_calendar = false;
    let mut events = 0_usize;
    let mut found = Found::default();

    for line in unfold(text)? {
        let prop = parse_content_line(&line)?;
        let err = |message: String| IcsError::Invalid {
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
                if stack.len() >= MAX_NESTING {
                    return Err(IcsLimit::Nesting { line: line.number }.into());
                }
                if what == "VEVENT" {
                    events += 1;
                    if events > MAX_EVENTS {
                        return Err(IcsLimit::Events { line: line.number }.into());
                    }
                    if stack.len() == 1 {
                        event = Some(EventDraft::new(line.number));
                    }
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
        return Err(IcsError::Invalid {
            line: at,
            message: format!("BEGIN:{open} is never closed with END:{open}"),
        });
    }
    if !seen_calendar {
        return Err(IcsError::Invalid {
            line: 1,
            message: "not an iCalendar file: no BEGIN:VCALENDAR".to_owned(),
        });
    }
    let mut found = found.holidays;
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

/// The logical lines of a text, each bounded by [`MAX_LINE_BYTES`] as given and
/// [`MAX_UNFOLDED_BYTES`] once joined.
fn unfold(text: &str) -> Result<Vec<Line>, IcsError> {
    let mut out: Vec<Line> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.len() > MAX_LINE_BYTES {
            return Err(IcsLimit::LineLength { line: i + 1 }.into());
        }
        if let Some(rest) = raw.strip_prefix([' ', '\t'])
            && let Some(last) = out.last_mut()
        {
            if last.text.len() + rest.len() > MAX_UNFOLDED_BYTES {
                return Err(IcsLimit::UnfoldedLength { line: last.number }.into());
            }
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
    Ok(out)
}

/// The start of a line for an error message: enough to find it, never the whole of a long one.
fn excerpt(text: &str) -> String {
    const SHOWN: usize = 80;
    match text.char_indices().nth(SHOWN) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

struct Property {
    name: String,
    params: Vec<(String, String)>,
    value: String,
}

fn parse_content_line(line: &Line) -> Result<Property, IcsError> {
    let err = |message: &str| IcsError::Invalid {
        line: line.number,
        message: format!("{message}: {:?}", excerpt(&line.text)),
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
    summary: Option<Arc<str>>,
}

/// The holidays found so far, and the budget of [`MAX_DATES`] they are made within.
#[derive(Default)]
struct Found {
    holidays: Vec<Holiday>,
}

impl Found {
    /// Adds one date of the event that begins on `line`, or refuses once the file has given
    /// [`MAX_DATES`]: checked before each date is made, so no more are ever held.
    fn push(&mut self, date: Date, name: Option<&Arc<str>>, line: usize) -> Result<(), IcsError> {
        if self.holidays.len() >= MAX_DATES {
            return Err(IcsLimit::Dates { line }.into());
        }
        self.holidays.push(Holiday {
            date,
            name: name.cloned(),
        });
        Ok(())
    }
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
        let err = |message: String| IcsError::Invalid { line, message };
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
            "SUMMARY" => self.summary = Some(unescape(&prop.value).into()),
            _ => {}
        }
        Ok(())
    }

    fn finish(
        self,
        expand_until: Date,
        found: &mut Found,
        warnings: &mut Vec<String>,
    ) -> Result<(), IcsError> {
        if let Some(line) = self.timed {
            warnings.push(format!(
                "line {line}: skipped {}: it has a time of day, and a holiday must be an all-day event",
                self.summary.as_deref().map_or_else(|| "an event".to_owned(), excerpt)
            ));
            return Ok(());
        }
        let Some((start, start_line)) = self.start else {
            return Err(IcsError::Invalid {
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
            return Err(IcsError::Invalid {
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
                return Err(IcsError::Invalid {
                    line: rule_line,
                    message: format!("the rule gives more than {MAX_OCCURRENCES} dates"),
                });
            }
        }
        for first in firsts.into_iter().filter(|d| !self.exdates.contains(d)) {
            let mut date = first;
            for _ in 0..days {
                found.push(date, self.summary.as_ref(), self.begin_line)?;
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
    /// The rule's dates from `start`, none after `expand_until` (whatever `COUNT` or `UNTIL`
    /// say), and at most one more than [`MAX_OCCURRENCES`] (enough to tell that it has too many).
    fn occurrences(&self, start: Date, expand_until: Date) -> Vec<Date> {
        let last = self.until.map_or(expand_until, |u| u.min(expand_until));
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
            assert_eq!(err.line(), line, "{events:?}: {err}");
            assert!(err.to_string().contains(needle), "{events:?}: {err}");
        }
        let err = parse_holidays("hello\n", HORIZON).unwrap_err();
        assert_eq!(err.line(), 1);
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

    #[test]
    fn rules_stop_at_the_horizon_whatever_their_count_or_until() {
        let dates = |rule: &str| {
            let text = ics(&format!(
                "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260101\r\nRRULE:{rule}\r\nEND:VEVENT\r\n"
            ));
            parse_holidays(&text, HORIZON)
                .unwrap()
                .dates()
                .collect::<Vec<_>>()
        };
        let three = vec![date(2026, 1, 1), date(2027, 1, 1), date(2028, 1, 1)];
        assert_eq!(dates("FREQ=YEARLY;COUNT=1000"), three);
        assert_eq!(dates("FREQ=YEARLY;COUNT=1000000"), three);
        assert_eq!(dates("FREQ=YEARLY;UNTIL=99991231"), three);
        assert_eq!(dates("FREQ=YEARLY"), three);
        // A rule that ends earlier still ends where it says.
        assert_eq!(dates("FREQ=YEARLY;COUNT=2"), three[..2]);
    }

    /// The file that once took the CLI to 22 GB and aborted the server: 1,666 events, each a
    /// year long and repeated `COUNT=1000` times (about 217 KB; 608 million dates as written).
    fn probing_attack() -> String {
        let mut events = String::new();
        for i in 0..1666 {
            events.push_str(&format!(
                "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260101\r\nDTEND;VALUE=DATE:20270101\r\n\
                 RRULE:FREQ=YEARLY;COUNT=1000\r\nSUMMARY:Day {i}\r\nEND:VEVENT\r\n"
            ));
        }
        ics(&events)
    }

    #[test]
    fn the_probing_attack_is_refused_within_the_date_budget_and_quickly() {
        let text = probing_attack();
        assert!(
            (200_000..MAX_ICS_BYTES).contains(&text.len()),
            "{}",
            text.len()
        );
        let started = std::time::Instant::now();
        // The CLI's horizon (five years on) and a far one: the budget holds either way.
        for horizon in [date(2031, 12, 31), date(9999, 12, 31)] {
            let err = parse_holidays(&text, horizon).unwrap_err();
            assert!(
                matches!(err, IcsError::Limit(IcsLimit::Dates { .. })),
                "{err}"
            );
            assert!(err.to_string().contains("10000 dates"), "{err}");
        }
        // Nothing like 608 million dates was made: at most MAX_DATES, a fraction of a second.
        assert!(
            started.elapsed() < std::time::Duration::from_secs(5),
            "{:?}",
            started.elapsed()
        );
    }

    #[test]
    fn the_input_itself_is_bounded_and_each_limit_says_its_number() {
        let event = "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260101\r\nEND:VEVENT\r\n";
        let cases: Vec<(String, IcsLimit, &str)> = vec![
            (
                format!("{}X-PAD:{}\r\n", ics(""), "x".repeat(MAX_ICS_BYTES)),
                IcsLimit::FileSize,
                "524288 bytes",
            ),
            (
                ics(&format!("X-LONG:{}\r\n", "x".repeat(MAX_LINE_BYTES))),
                IcsLimit::LineLength { line: 4 },
                "16384 bytes",
            ),
            (
                ics(&format!(
                    "X-FOLDED:x\r\n{}",
                    format!(" {}\r\n", "x".repeat(1000)).repeat(MAX_UNFOLDED_BYTES / 1000 + 1)
                )),
                IcsLimit::UnfoldedLength { line: 4 },
                "65536 bytes",
            ),
            (
                ics(&format!(
                    "{}{}",
                    "BEGIN:X\r\n".repeat(MAX_NESTING),
                    "END:X\r\n".repeat(MAX_NESTING)
                )),
                IcsLimit::Nesting {
                    line: 3 + MAX_NESTING,
                },
                "8 deep",
            ),
            (
                ics(&event.repeat(MAX_EVENTS + 1)),
                IcsLimit::Events {
                    line: 4 + 3 * MAX_EVENTS,
                },
                "5000 events",
            ),
            (
                // Dates listed one by one count too: 28 year-long events.
                ics(&"BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260101\r\nDURATION:P366D\r\nEND:VEVENT\r\n"
                    .repeat(28)),
                IcsLimit::Dates {
                    line: 4 + 4 * (MAX_DATES / 366),
                },
                "10000 dates",
            ),
        ];
        for (text, limit, needle) in cases {
            let err = parse_holidays(&text, HORIZON).unwrap_err();
            assert_eq!(err, IcsError::Limit(limit), "{err}");
            assert!(err.to_string().contains(needle), "{err}");
            assert!(err.to_string().len() < 200, "short: {err}");
        }
        // Just under each limit is fine.
        let text = ics(&event.repeat(MAX_EVENTS));
        assert_eq!(parse_holidays(&text, HORIZON).unwrap().holidays.len(), 1);
        let text = ics(&format!(
            "X-LONG:{}\r\n{event}",
            "x".repeat(MAX_LINE_BYTES - 7)
        ));
        assert!(parse_holidays(&text, HORIZON).is_ok());
    }

    #[test]
    fn an_error_quotes_only_the_start_of_a_long_line() {
        let text = ics(&format!("NO-COLON{}\r\n", "x".repeat(10_000)));
        let err = parse_holidays(&text, HORIZON).unwrap_err();
        assert_eq!(err.line(), 4);
        assert!(err.to_string().len() < 200, "{err}");
    }

    proptest::proptest! {
        /// Whatever the rules say, no rule's date lies past the horizon, and a file gives at
        /// most MAX_DATES dates or is refused for it.
        #[test]
        fn expansion_respects_the_horizon_and_the_budget(
            events in proptest::collection::vec(
                (1990_i16..2040, 1_i64..=366, proptest::option::of(1_usize..5000),
                 proptest::option::of(1990_i16..9999), 1_i16..4),
                1..60,
            ),
            horizon_year in 2026_i16..2200,
        ) {
            let mut text = String::new();
            for (year, days, count, until, interval) in &events {
                let mut rule = format!("FREQ=YEARLY;INTERVAL={interval}");
                if let Some(c) = count {
                    rule.push_str(&format!(";COUNT={c}"));
                }
                if let Some(u) = until {
                    rule.push_str(&format!(";UNTIL={u:04}1231"));
                }
                text.push_str(&format!(
                    "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:{year:04}0301\r\nDURATION:P{days}D\r\n\
                     RRULE:{rule}\r\nEND:VEVENT\r\n"
                ));
            }
            let horizon = date(horizon_year, 12, 31);
            match parse_holidays(&ics(&text), horizon) {
                Ok(got) => {
                    // An occurrence starts by the horizon; its days may run at most a year on.
                    let latest = date(horizon_year + 1, 12, 31);
                    proptest::prop_assert!(got.dates().all(|d| d <= latest));
                    proptest::prop_assert!(got.holidays.len() <= MAX_DATES);
                }
                Err(IcsError::Limit(IcsLimit::Dates { .. })) => {}
                Err(IcsError::Invalid { message, .. }) => {
                    proptest::prop_assert!(message.contains("more than 1000 dates"), "{}", message);
                }
                Err(e) => proptest::prop_assert!(false, "{}", e),
            }
        }
    }
}

//! Holidays imported from an iCalendar (RFC 5545) file: its all-day events.
//!
//! Over 500 lines only through its tests: about 290 lines of code (the reader, events and
//! values are in their own files), the rest tests that call `parse_holidays` as importers do.
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

mod event;
mod reader;
mod values;

use std::sync::Arc;

use jiff::civil::Date;

use event::{EventDraft, Found};
use reader::{parse_content_line, unfold};

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

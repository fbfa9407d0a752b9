//! An event's properties gathered until its `END`, then turned into holiday dates.

use std::collections::BTreeSet;
use std::sync::Arc;

use jiff::civil::Date;

use super::reader::{Property, excerpt};
use super::values::{DateValue, parse_date, parse_date_value, parse_days, parse_rule, unescape};
use super::{Holiday, IcsError, IcsLimit, MAX_DATES, MAX_EVENT_DAYS, MAX_OCCURRENCES};

/// The parts of a `VEVENT` that matter for holidays, gathered until its `END`.
pub(super) struct EventDraft {
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
pub(super) struct Found {
    pub(super) holidays: Vec<Holiday>,
}

impl Found {
    /// Adds one date of the event that begins on `line`, or refuses once the file has given
    /// [`MAX_DATES`]: checked before each date is made, so no more are ever held.
    pub(super) fn push(
        &mut self,
        date: Date,
        name: Option<&Arc<str>>,
        line: usize,
    ) -> Result<(), IcsError> {
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

pub(super) struct YearlyRule {
    pub(super) interval: i16,
    pub(super) count: Option<usize>,
    pub(super) until: Option<Date>,
}

impl EventDraft {
    pub(super) fn new(begin_line: usize) -> EventDraft {
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

    pub(super) fn take(&mut self, prop: &Property, line: usize) -> Result<(), IcsError> {
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

    pub(super) fn finish(
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
    pub(super) fn occurrences(&self, start: Date, expand_until: Date) -> Vec<Date> {
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

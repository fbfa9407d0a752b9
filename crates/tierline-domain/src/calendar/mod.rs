//! Business calendars: when the SLA clocks of a contract run.
//!
//! A calendar is a time zone, a weekly pattern of working intervals in local wall time, holidays,
//! moved working days and one-off open or closed periods. Every query is answered in elapsed time,
//! exact to the nanosecond: a wall-clock hour skipped by daylight saving is not counted, a repeated
//! one counts twice.
//!
//! Covered time is defined instant by instant: an instant is covered when its local wall-clock time
//! falls inside a working interval of a date that is not closed (a holiday closes its whole local
//! date, including the part of the previous day's night shift that falls on it), or inside a
//! one-off open period, and not inside a one-off closed period. A date listed as a moved working
//! day works with its own intervals even when it is also listed as a holiday: the explicit
//! exception wins over the imported list.

mod coverage;
mod error;
pub mod ics;
pub mod reference;
mod schedule;
pub mod spec;
mod timeline;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::OnceLock;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};

pub use coverage::{Coverage, WeekendOption};
pub use error::CalendarError;
pub use schedule::{TimeOfDay, WEEK, WeekSchedule, WorkInterval};

use timeline::{Chunk, Ns};

/// A business calendar. Built once with [`Calendar::builder`], then shared and queried.
///
/// Queries compile the covered intervals lazily in windows of about six months and keep them, so
/// a calendar answers `add` and `between` with two binary searches instead of walking the days.
#[derive(Clone)]
pub struct Calendar {
    tz: TimeZone,
    week: WeekSchedule,
    holidays: BTreeSet<Date>,
    workdays: BTreeMap<Date, Vec<WorkInterval>>,
    open: Vec<(Ns, Ns)>,
    closed: Vec<(Ns, Ns)>,
    chunks: Box<[OnceLock<Box<Chunk>>]>,
}

impl fmt::Debug for Calendar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Calendar")
            .field("tz", &self.tz.iana_name())
            .field("week", &self.week)
            .field("holidays", &self.holidays)
            .field("workdays", &self.workdays)
            .field("open", &self.open)
            .field("closed", &self.closed)
            .finish_non_exhaustive()
    }
}

/// Builds a [`Calendar`]; every input is checked here, so the calendar itself cannot be invalid.
#[derive(Debug, Clone)]
pub struct CalendarBuilder {
    tz: TimeZone,
    week: WeekSchedule,
    holidays: BTreeSet<Date>,
    workdays: BTreeMap<Date, Vec<WorkInterval>>,
    open: Vec<(Timestamp, Timestamp)>,
    closed: Vec<(Timestamp, Timestamp)>,
}

impl CalendarBuilder {
    /// The weekly pattern (replacing any set before).
    pub fn week(mut self, week: WeekSchedule) -> Self {
        self.week = week;
        self
    }

    /// A holiday: its whole local date is closed.
    pub fn holiday(mut self, date: Date) -> Self {
        self.holidays.insert(date);
        self
    }

    /// Several holidays.
    pub fn holidays(mut self, dates: impl IntoIterator<Item = Date>) -> Self {
        self.holidays.extend(dates);
        self
    }

    /// A moved working day: `date` works with these intervals instead of its weekday's.
    pub fn workday(mut self, date: Date, intervals: Vec<WorkInterval>) -> Self {
        self.workdays.insert(date, intervals);
        self
    }

    /// A one-off period that is covered whatever the pattern says (an agreed night of work).
    pub fn open_period(mut self, start: Timestamp, end: Timestamp) -> Self {
        self.open.push((start, end));
        self
    }

    /// A one-off period that is not covered whatever the pattern says (an office closure). It wins
    /// over an open period it overlaps.
    pub fn closed_period(mut self, start: Timestamp, end: Timestamp) -> Self {
        self.closed.push((start, end));
        self
    }

    /// Checks every input and builds the calendar.
    pub fn build(self) -> Result<Calendar, CalendarError> {
        let periods = |list: Vec<(Timestamp, Timestamp)>| {
            list.into_iter()
                .map(|(a, b)| {
                    if b <= a {
                        return Err(CalendarError::EmptyPeriod { start: a, end: b });
                    }
                    // Periods may reach past the supported range; only the part inside matters.
                    Ok((timeline::clamp_ns(a), timeline::clamp_ns(b)))
                })
                .collect::<Result<Vec<_>, _>>()
        };
        for &d in self.holidays.iter().chain(self.workdays.keys()) {
            if !timeline::date_in_range(d) {
                return Err(CalendarError::DateOutOfRange(d));
            }
        }
        Ok(Calendar {
            tz: self.tz,
            week: self.week,
            holidays: self.holidays,
            workdays: self.workdays,
            open: periods(self.open)?,
            closed: periods(self.closed)?,
            chunks: timeline::empty_chunks(),
        })
    }
}

impl Calendar {
    /// Starts a calendar in a time zone, with every day closed.
    pub fn builder(tz: TimeZone) -> CalendarBuilder {
        CalendarBuilder {
            tz,
            week: WeekSchedule::closed(),
            holidays: BTreeSet::new(),
            workdays: BTreeMap::new(),
            open: Vec::new(),
            closed: Vec::new(),
        }
    }

    /// Looks a time zone up by its IANA name.
    pub fn time_zone(name: &str) -> Result<TimeZone, CalendarError> {
        TimeZone::get(name).map_err(|_| CalendarError::UnknownTimeZone(name.to_owned()))
    }

    /// The calendar's time zone.
    pub fn tz(&self) -> &TimeZone {
        &self.tz
    }

    /// The weekly pattern.
    pub fn week(&self) -> &WeekSchedule {
        &self.week
    }

    /// The holidays.
    pub fn holiday_dates(&self) -> &BTreeSet<Date> {
        &self.holidays
    }

    /// The moved working days and their intervals.
    pub fn moved_workdays(&self) -> &BTreeMap<Date, Vec<WorkInterval>> {
        &self.workdays
    }

    /// The earliest instant `due ≥ start` such that the covered time in `[start, due]` equals `d`.
    ///
    /// A start outside covered time begins counting at the next opening; `d = 0` gives `start`;
    /// when the time runs out exactly at a closing, the closing is the answer, not the next
    /// opening.
    pub fn add(&self, start: Timestamp, d: SignedDuration) -> Result<Timestamp, CalendarError> {
        let d = timeline::duration_ns(d)?;
        let t = timeline::instant_ns(start)?;
        let due = self.add_ns(t, d).ok_or(CalendarError::NoCoverage(start))?;
        Ok(timeline::to_timestamp(due))
    }

    /// Covered time in `[a, b]`; zero when `b ≤ a`.
    pub fn between(&self, a: Timestamp, b: Timestamp) -> Result<SignedDuration, CalendarError> {
        if b <= a {
            return Ok(SignedDuration::ZERO);
        }
        let (a, b) = (timeline::instant_ns(a)?, timeline::end_ns(b)?);
        Ok(SignedDuration::from_nanos(self.between_ns(a, b)))
    }

    /// Whether the instant is covered.
    pub fn is_covered(&self, t: Timestamp) -> Result<bool, CalendarError> {
        let t = timeline::instant_ns(t)?;
        Ok(self.chunk_at(t).is_covered(t))
    }

    /// The first covered instant at or after `t`, or `None` when nothing is covered before the end
    /// of the supported range.
    pub fn next_open(&self, t: Timestamp) -> Result<Option<Timestamp>, CalendarError> {
        let t = timeline::instant_ns(t)?;
        Ok(self.next_open_ns(t).map(timeline::to_timestamp))
    }

    /// The covered windows inside `[a, b]`, merged and in order: what `between(a, b)` adds up.
    pub fn windows(
        &self,
        a: Timestamp,
        b: Timestamp,
    ) -> Result<Vec<(Timestamp, Timestamp)>, CalendarError> {
        if b <= a {
            return Ok(Vec::new());
        }
        let (a, b) = (timeline::instant_ns(a)?, timeline::end_ns(b)?);
        let mut out: Vec<(Ns, Ns)> = Vec::new();
        for k in timeline::chunk_index(a)..=timeline::chunk_index_end(b) {
            for (s, e) in self.chunk(k).spans_within(a, b) {
                match out.last_mut() {
                    // Chunks cut intervals at their borders; glue the pieces back for people.
                    Some(last) if last.1 == s => last.1 = e,
                    _ => out.push((s, e)),
                }
            }
        }
        Ok(out
            .into_iter()
            .map(|(s, e)| (timeline::to_timestamp(s), timeline::to_timestamp(e)))
            .collect())
    }

    fn chunk(&self, k: usize) -> &Chunk {
        self.chunks[k].get_or_init(|| Box::new(timeline::build_chunk(self, k)))
    }

    fn chunk_at(&self, t: Ns) -> &Chunk {
        self.chunk(timeline::chunk_index(t))
    }

    pub(crate) fn add_ns(&self, t: Ns, d: Ns) -> Option<Ns> {
        if d == 0 {
            return Some(t);
        }
        let mut k = timeline::chunk_index(t);
        let mut cursor = t;
        let mut remaining = d;
        loop {
            match self.chunk(k).add(cursor, remaining) {
                Ok(due) => return Some(due),
                Err(left) => remaining = left,
            }
            k += 1;
            if k >= timeline::CHUNK_COUNT {
                return None;
            }
            cursor = timeline::chunk_start(k);
        }
    }

    pub(crate) fn between_ns(&self, a: Ns, b: Ns) -> Ns {
        let (ka, kb) = (timeline::chunk_index(a), timeline::chunk_index_end(b));
        if ka == kb {
            let c = self.chunk(ka);
            return c.covered_until(b) - c.covered_until(a);
        }
        let first = self.chunk(ka);
        let mut sum = first.total() - first.covered_until(a);
        for k in ka + 1..kb {
            sum += self.chunk(k).total();
        }
        sum + self.chunk(kb).covered_until(b)
    }

    pub(crate) fn next_open_ns(&self, t: Ns) -> Option<Ns> {
        (timeline::chunk_index(t)..timeline::CHUNK_COUNT)
            .find_map(|k| self.chunk(k).next_open(t.max(timeline::chunk_start(k))))
    }

    /// The working intervals of a local date, before holidays are applied.
    pub(crate) fn intervals_on(&self, date: Date) -> &[WorkInterval] {
        match self.workdays.get(&date) {
            Some(list) => list,
            None => self.week.intervals(date.weekday()),
        }
    }

    /// Whether a local date is closed as a holiday (and not reopened as a moved working day).
    pub(crate) fn is_closed_date(&self, date: Date) -> bool {
        self.holidays.contains(&date) && !self.workdays.contains_key(&date)
    }
}

//! Working intervals in local wall time: the weekly pattern and the intervals of one date.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Weekday;

use super::CalendarError;

/// Seconds in a civil day. Civil days are always this long; elapsed days are not (daylight saving).
pub(crate) const DAY_SECONDS: u32 = 86_400;

/// A wall-clock time of day, `00:00` to `24:00`, to the second.
///
/// `24:00` exists so that an interval can end at midnight at the close of its own day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay(u32);

impl TimeOfDay {
    /// Midnight at the start of a day.
    pub const MIDNIGHT: TimeOfDay = TimeOfDay(0);
    /// Midnight at the end of a day (`24:00`).
    pub const END_OF_DAY: TimeOfDay = TimeOfDay(DAY_SECONDS);

    /// A time from hours and minutes; `hm(24, 0)` is the end of the day.
    pub fn hm(hours: u32, minutes: u32) -> Result<TimeOfDay, CalendarError> {
        Self::hms(hours, minutes, 0)
    }

    /// A time from hours, minutes and seconds.
    pub fn hms(hours: u32, minutes: u32, seconds: u32) -> Result<TimeOfDay, CalendarError> {
        let secs = hours * 3600 + minutes * 60 + seconds;
        if hours > 24 || minutes > 59 || seconds > 59 || secs > DAY_SECONDS {
            return Err(CalendarError::InvalidTime(format!(
                "{hours:02}:{minutes:02}:{seconds:02}"
            )));
        }
        Ok(TimeOfDay(secs))
    }

    /// Seconds since local midnight, `0..=86400`.
    pub fn seconds(self) -> u32 {
        self.0
    }
}

impl FromStr for TimeOfDay {
    type Err = CalendarError;

    /// Parses `HH:MM` or `HH:MM:SS`, from `00:00` to `24:00`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || CalendarError::InvalidTime(s.to_owned());
        let parts: Vec<&str> = s.split(':').collect();
        if !(2..=3).contains(&parts.len())
            || parts
                .iter()
                .any(|p| p.len() != 2 || !p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(bad());
        }
        let num = |i: usize| parts.get(i).map_or(Ok(0), |p| p.parse::<u32>());
        let (h, m, sec) = (
            num(0).map_err(|_| bad())?,
            num(1).map_err(|_| bad())?,
            num(2).map_err(|_| bad())?,
        );
        TimeOfDay::hms(h, m, sec).map_err(|_| bad())
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (h, m, s) = (self.0 / 3600, self.0 / 60 % 60, self.0 % 60);
        if s == 0 {
            write!(f, "{h:02}:{m:02}")
        } else {
            write!(f, "{h:02}:{m:02}:{s:02}")
        }
    }
}

/// One working interval of a day in local wall time, `[start, end)`.
///
/// An end before the start (22:00–06:00) is a night shift: it belongs to the day it starts on and
/// runs into the next one. An end of `24:00` closes at midnight at the end of the same day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WorkInterval {
    start: TimeOfDay,
    end: TimeOfDay,
}

impl WorkInterval {
    /// An interval; a start of `24:00` and an empty interval (start equal to end) are refused.
    pub fn new(start: TimeOfDay, end: TimeOfDay) -> Result<WorkInterval, CalendarError> {
        if start == TimeOfDay::END_OF_DAY {
            return Err(CalendarError::InvalidInterval {
                start: start.to_string(),
                end: end.to_string(),
                why: "an interval cannot start at 24:00",
            });
        }
        if start == end {
            return Err(CalendarError::InvalidInterval {
                start: start.to_string(),
                end: end.to_string(),
                why: "an interval needs an end different from its start (use 00:00–24:00 for a whole day)",
            });
        }
        Ok(WorkInterval { start, end })
    }

    /// An interval from constants known to be valid (the presets).
    pub(crate) const fn fixed(start: u32, end: u32) -> WorkInterval {
        WorkInterval {
            start: TimeOfDay(start),
            end: TimeOfDay(end),
        }
    }

    /// Parses a pair such as `("09:30", "18:30")`.
    pub fn parse(start: &str, end: &str) -> Result<WorkInterval, CalendarError> {
        WorkInterval::new(start.parse()?, end.parse()?)
    }

    /// The start.
    pub fn start(self) -> TimeOfDay {
        self.start
    }

    /// The end (before the start for a night shift).
    pub fn end(self) -> TimeOfDay {
        self.end
    }

    /// Whether it runs past midnight into the next day.
    pub fn is_night_shift(self) -> bool {
        self.end < self.start
    }

    /// Start and end as seconds from the local midnight that begins its own day; a night shift's
    /// end is past 86 400.
    pub(crate) fn civil_offsets(self) -> (u32, u32) {
        let end = if self.is_night_shift() {
            self.end.0 + DAY_SECONDS
        } else {
            self.end.0
        };
        (self.start.0, end)
    }
}

impl fmt::Display for WorkInterval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", self.start, self.end)
    }
}

/// The weekly pattern: working intervals per weekday. A weekday without intervals is closed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WeekSchedule {
    days: [Vec<WorkInterval>; 7],
}

impl WeekSchedule {
    /// A week with every day closed.
    pub fn closed() -> WeekSchedule {
        WeekSchedule::default()
    }

    /// Adds an interval to a weekday; overlapping intervals are allowed and merge.
    pub fn add(&mut self, day: Weekday, interval: WorkInterval) -> &mut Self {
        self.days[weekday_index(day)].push(interval);
        self
    }

    /// Adds the same interval to several weekdays.
    pub fn add_days(&mut self, days: &[Weekday], interval: WorkInterval) -> &mut Self {
        for &d in days {
            self.add(d, interval);
        }
        self
    }

    /// The intervals of a weekday, as given.
    pub fn intervals(&self, day: Weekday) -> &[WorkInterval] {
        &self.days[weekday_index(day)]
    }

    /// The intervals of a weekday sorted, with overlapping and touching ones merged, for showing
    /// to people (18:00–20:00 beside 09:30–18:30 reads as 09:30–20:00).
    pub fn merged(&self, day: Weekday) -> Vec<WorkInterval> {
        let given = self.intervals(day);
        let out = super::timeline::merge(given.iter().map(|iv| iv.civil_offsets()).collect());
        let back = |(s, e): (u32, u32)| {
            if e <= DAY_SECONDS {
                Some(WorkInterval::fixed(s, e))
            } else if e - DAY_SECONDS < s {
                Some(WorkInterval::fixed(s, e - DAY_SECONDS))
            } else {
                None
            }
        };
        // A union longer than a day has no single interval to show it: keep the intervals given.
        out.into_iter()
            .map(back)
            .collect::<Option<Vec<_>>>()
            .unwrap_or_else(|| given.to_vec())
    }

    /// Whether no day has any interval.
    pub fn is_empty(&self) -> bool {
        self.days.iter().all(Vec::is_empty)
    }

    /// Every interval of `other` added to this week (a union of coverage).
    pub fn merge(&mut self, other: &WeekSchedule) -> &mut Self {
        for (mine, theirs) in self.days.iter_mut().zip(&other.days) {
            mine.extend_from_slice(theirs);
        }
        self
    }
}

/// Monday is 0, Sunday 6.
pub(crate) fn weekday_index(day: Weekday) -> usize {
    usize::from(day.to_monday_zero_offset().unsigned_abs())
}

/// The weekdays in order, Monday first.
pub const WEEK: [Weekday; 7] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
    Weekday::Saturday,
    Weekday::Sunday,
];

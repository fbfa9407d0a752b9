//! Shorthands shared by the domain tests.

use jiff::civil::Weekday;
use jiff::{SignedDuration, Timestamp};
use tierline_domain::Calendar;
use tierline_domain::calendar::{Coverage, WeekSchedule, WorkInterval};

pub const WEEKDAYS: [Weekday; 5] = [
    Weekday::Monday,
    Weekday::Tuesday,
    Weekday::Wednesday,
    Weekday::Thursday,
    Weekday::Friday,
];

/// An instant from RFC 3339.
pub fn ts(s: &str) -> Timestamp {
    s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
}

pub fn hours(h: i64) -> SignedDuration {
    SignedDuration::from_hours(h)
}

pub fn mins(m: i64) -> SignedDuration {
    SignedDuration::from_mins(m)
}

pub fn iv(a: &str, b: &str) -> WorkInterval {
    WorkInterval::parse(a, b).unwrap()
}

/// A calendar from a coverage preset in a zone.
pub fn preset(coverage: &str, tz: &str) -> Calendar {
    Calendar::builder(Calendar::time_zone(tz).unwrap())
        .week(coverage.parse::<Coverage>().unwrap().week())
        .build()
        .unwrap()
}

/// The same intervals on every day in `days`.
pub fn week(days: &[Weekday], intervals: &[(&str, &str)]) -> WeekSchedule {
    let mut w = WeekSchedule::closed();
    for &(a, b) in intervals {
        w.add_days(days, iv(a, b));
    }
    w
}

pub fn every_day() -> Vec<Weekday> {
    tierline_domain::calendar::WEEK.to_vec()
}

/// `add`, printed in the calendar's offset, to compare with the expected wall time.
pub fn due(cal: &Calendar, start: &str, d: SignedDuration) -> String {
    let t = cal.add(ts(start), d).unwrap();
    t.display_with_offset(cal.tz().to_offset(t)).to_string()
}

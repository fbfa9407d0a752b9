//! The fast calendar against the minute-stepping reference on random calendars.
//!
//! Random zones (with whole-hour, half-hour and 45-minute offsets, and half-hour DST shifts),
//! random intervals (gaps, overlaps, night shifts, 24:00 ends), holidays, moved days and one-off
//! periods, around the daylight-saving changes of each zone. Every boundary falls on a whole
//! minute, where the reference is exact.

use jiff::civil::{Date, date};
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use tierline_domain::Calendar;
use tierline_domain::calendar::{TimeOfDay, WEEK, WeekSchedule, WorkInterval, reference};

const ZONES: [&str; 9] = [
    "Europe/Kyiv",
    "America/New_York",
    "Australia/Lord_Howe",
    "UTC",
    "Asia/Kolkata",
    "America/St_Johns",
    "Pacific/Chatham",
    "Europe/London",
    "America/Santiago",
];

/// First days of windows that contain a daylight-saving change in most of the zones.
const WINDOWS: [Date; 4] = [
    date(2026, 3, 20),
    date(2026, 9, 22),
    date(2026, 10, 20),
    date(2027, 3, 30),
];

#[derive(Debug, Clone)]
struct Case {
    zone: &'static str,
    window: Date,
    week: Vec<Vec<(u32, u32)>>,
    holidays: Vec<i64>,
    workdays: Vec<(i64, Vec<(u32, u32)>)>,
    open: Vec<(i64, i64)>,
    closed: Vec<(i64, i64)>,
}

impl Case {
    fn origin(&self) -> Timestamp {
        self.window
            .to_zoned(jiff::tz::TimeZone::UTC)
            .unwrap()
            .timestamp()
    }

    fn at(&self, minutes: i64) -> Timestamp {
        self.origin() + SignedDuration::from_mins(minutes)
    }

    fn calendar(&self) -> Calendar {
        let interval = |&(a, b): &(u32, u32)| {
            WorkInterval::new(
                TimeOfDay::hm(a / 60, a % 60).unwrap(),
                TimeOfDay::hm(b / 60, b % 60).unwrap(),
            )
            .unwrap()
        };
        let mut week = WeekSchedule::closed();
        for (day, list) in WEEK.iter().zip(&self.week) {
            for iv in list {
                week.add(*day, interval(iv));
            }
        }
        let day = |offset: i64| {
            self.window
                .checked_add(jiff::Span::new().days(offset))
                .unwrap()
        };
        let mut b = Calendar::builder(Calendar::time_zone(self.zone).unwrap())
            .week(week)
            .holidays(self.holidays.iter().map(|&d| day(d)));
        for (d, list) in &self.workdays {
            b = b.workday(day(*d), list.iter().map(interval).collect());
        }
        for &(a, len) in &self.open {
            b = b.open_period(self.at(a), self.at(a + len));
        }
        for &(a, len) in &self.closed {
            b = b.closed_period(self.at(a), self.at(a + len));
        }
        b.build().unwrap()
    }
}

/// A minute of the day: often on a half hour, so that intervals touch and overlap.
fn minute_of_day() -> impl Strategy<Value = u32> {
    prop_oneof![(0u32..48).prop_map(|h| h * 30), 0u32..1440]
}

fn interval() -> impl Strategy<Value = (u32, u32)> {
    (minute_of_day(), prop_oneof![minute_of_day(), Just(1440u32)])
        .prop_filter("non-empty", |(a, b)| a != b)
}

fn day_intervals() -> impl Strategy<Value = Vec<(u32, u32)>> {
    prop::collection::vec(interval(), 0..3)
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::sample::select(ZONES.to_vec()),
        prop::sample::select(WINDOWS.to_vec()),
        prop::collection::vec(day_intervals(), 7),
        interval(),
        prop::collection::vec(0i64..40, 0..4),
        prop::collection::vec((0i64..40, day_intervals()), 0..3),
        prop::collection::vec((0i64..40 * 1440, 1i64..600), 0..2),
        prop::collection::vec((0i64..40 * 1440, 1i64..600), 0..2),
    )
        .prop_map(
            |(zone, window, mut week, monday, holidays, workdays, open, closed)| {
                // At least one interval a week, so that the reference walk always ends.
                week[0].push(monday);
                Case {
                    zone,
                    window,
                    week,
                    holidays,
                    workdays,
                    open,
                    closed,
                }
            },
        )
}

proptest! {
    #[test]
    fn add_agrees_with_minute_stepping(c in case(), start in 0i64..20 * 1440, d in 0i64..2000) {
        let cal = c.calendar();
        let start = c.at(start);
        let fast = cal.add(start, SignedDuration::from_mins(d)).unwrap();
        prop_assert_eq!(Some(fast), reference::add(&cal, start, d));
    }

    #[test]
    fn between_agrees_with_minute_stepping(c in case(), a in 0i64..20 * 1440, len in 0i64..8 * 1440) {
        let cal = c.calendar();
        let (a, b) = (c.at(a), c.at(a + len));
        let fast = cal.between(a, b).unwrap();
        prop_assert_eq!(fast, SignedDuration::from_mins(reference::between(&cal, a, b)));
        let windows: SignedDuration = cal.windows(a, b).unwrap().iter().map(|(s, e)| e.duration_since(*s)).sum();
        prop_assert_eq!(windows, fast);
    }

    #[test]
    fn next_open_and_is_covered_agree_with_the_definition(c in case(), t in 0i64..30 * 1440) {
        let cal = c.calendar();
        let t = c.at(t);
        prop_assert_eq!(cal.is_covered(t).unwrap(), reference::is_covered(&cal, t));
        prop_assert_eq!(cal.next_open(t).unwrap(), reference::next_open(&cal, t));
    }

    /// To the second, with no reference: `between` inverts `add`, and `add` is monotonic.
    #[test]
    fn add_and_between_are_inverse_and_monotonic(
        c in case(),
        s1 in 0i64..30 * 86_400,
        ds in 0i64..86_400,
        d1 in 0i64..300_000,
        dd in 0i64..100_000,
    ) {
        let cal = c.calendar();
        let origin = c.origin();
        let s1 = origin + SignedDuration::from_secs(s1);
        let s2 = s1 + SignedDuration::from_secs(ds);
        let d1 = SignedDuration::from_secs(d1);
        let d2 = d1 + SignedDuration::from_secs(dd);
        let due = cal.add(s1, d1).unwrap();
        prop_assert!(due >= s1);
        prop_assert_eq!(cal.between(s1, due).unwrap(), d1);
        prop_assert!(cal.add(s2, d1).unwrap() >= due, "monotonic in start");
        prop_assert!(cal.add(s1, d2).unwrap() >= due, "monotonic in d");
        if d1 > SignedDuration::ZERO {
            // Earliest: a second earlier there was less covered time.
            prop_assert!(cal.between(s1, due - SignedDuration::from_secs(1)).unwrap() < d1);
        }
    }
}

//! Daylight-saving weeks in Kyiv: elapsed time, never wall-clock arithmetic.
//!
//! 2026-03-29: 03:00 EET becomes 04:00 EEST (an hour that does not exist).
//! 2026-10-25: 04:00 EEST becomes 03:00 EET (an hour that happens twice).

use jiff::SignedDuration;
use tierline_domain::Calendar;

use crate::helpers::*;

fn kyiv(week_: tierline_domain::calendar::WeekSchedule) -> Calendar {
    Calendar::builder(Calendar::time_zone("Europe/Kyiv").unwrap())
        .week(week_)
        .build()
        .unwrap()
}

#[test]
fn round_the_clock_days_are_23_and_25_hours_long() {
    let cal = preset("24x7", "Europe/Kyiv");
    let spring = cal
        .between(
            ts("2026-03-29T00:00:00+02:00"),
            ts("2026-03-30T00:00:00+03:00"),
        )
        .unwrap();
    assert_eq!(spring, hours(23));
    let autumn = cal
        .between(
            ts("2026-10-25T00:00:00+03:00"),
            ts("2026-10-26T00:00:00+02:00"),
        )
        .unwrap();
    assert_eq!(autumn, hours(25));
    // 24 hours of elapsed time from Saturday noon land at 13:00 on Sunday by the wall clock.
    assert_eq!(
        due(&cal, "2026-03-28T12:00:00+02:00", hours(24)),
        "2026-03-29T13:00:00+03:00"
    );
    assert_eq!(
        due(&cal, "2026-10-24T12:00:00+03:00", hours(24)),
        "2026-10-25T11:00:00+02:00"
    );
}

#[test]
fn night_shifts_across_the_changes() {
    let cal = kyiv(week(&every_day(), &[("22:00", "06:00")]));
    let spring = cal
        .between(
            ts("2026-03-28T21:00:00+02:00"),
            ts("2026-03-29T07:00:00+03:00"),
        )
        .unwrap();
    assert_eq!(spring, hours(7));
    let autumn = cal
        .between(
            ts("2026-10-24T21:00:00+03:00"),
            ts("2026-10-25T07:00:00+02:00"),
        )
        .unwrap();
    assert_eq!(autumn, hours(9));
    // Five hours into the spring night: 22:00 → 03:00 is five wall hours, but 03:00 is 04:00.
    assert_eq!(
        due(&cal, "2026-03-28T22:00:00+02:00", hours(5)),
        "2026-03-29T04:00:00+03:00"
    );
}

#[test]
fn the_skipped_hour_is_not_counted_and_the_repeated_one_counts_twice() {
    let cal = kyiv(week(&every_day(), &[("03:00", "04:00")]));
    let day = |start: &str, end: &str| cal.between(ts(start), ts(end)).unwrap();
    assert_eq!(
        day("2026-03-29T00:00:00+02:00", "2026-03-30T00:00:00+03:00"),
        SignedDuration::ZERO
    );
    assert_eq!(
        day("2026-10-25T00:00:00+03:00", "2026-10-26T00:00:00+02:00"),
        hours(2)
    );
    assert_eq!(
        cal.windows(
            ts("2026-10-25T00:00:00+03:00"),
            ts("2026-10-26T00:00:00+02:00")
        )
        .unwrap(),
        vec![(
            ts("2026-10-25T03:00:00+03:00"),
            ts("2026-10-25T04:00:00+02:00")
        )],
        "the two occurrences of 03:00–04:00 follow each other"
    );
}

#[test]
fn business_hours_in_a_dst_week_are_unaffected() {
    // The changes happen at night on a Sunday: a base week still has 45 hours.
    let cal = preset("base", "Europe/Kyiv");
    for (a, b) in [
        ("2026-03-23T00:00:00+02:00", "2026-03-30T00:00:00+03:00"),
        ("2026-03-30T00:00:00+03:00", "2026-04-06T00:00:00+03:00"),
        ("2026-10-19T00:00:00+03:00", "2026-10-26T00:00:00+02:00"),
    ] {
        assert_eq!(cal.between(ts(a), ts(b)).unwrap(), hours(45), "{a}..{b}");
    }
    // Friday 18:00 EEST before the autumn change, plus one hour: Monday 10:00 EET.
    assert_eq!(
        due(&cal, "2026-10-23T18:00:00+03:00", hours(1)),
        "2026-10-26T10:00:00+02:00"
    );
}

//! Worked examples: SPEC §1, presets, holidays, moved days, one-off periods, errors.

use jiff::SignedDuration;
use jiff::civil::{Weekday, date};
use tierline_domain::calendar::ics::parse_holidays;
use tierline_domain::calendar::{CalendarError, spec::CalendarSpec};
use tierline_domain::sla::ClockKind;
use tierline_domain::{Calendar, Class, SlaPolicy};

use crate::helpers::*;

/// Friday 2026-11-20, 18:25 in Kyiv (EET, +02:00).
const FRIDAY_1825: &str = "2026-11-20T18:25:00+02:00";

fn class3_dues(coverage: &str, policy: &SlaPolicy) -> (String, String) {
    let cal = preset(coverage, "Europe/Kyiv");
    let class = Class::try_from(3).unwrap();
    let due = |kind| {
        let clock = policy
            .clock(&cal, class, kind, ts(FRIDAY_1825), None)
            .unwrap()
            .unwrap();
        let t = clock.due().unwrap().unwrap();
        t.display_with_offset(cal.tz().to_offset(t)).to_string()
    };
    (due(ClockKind::Reaction), due(ClockKind::Resolution))
}

#[test]
fn spec_example_friday_1825_base_hours() {
    // 5 minutes on Friday, the rest from 09:30 on Monday.
    let (reaction, resolution) = class3_dues("base", &SlaPolicy::default_table());
    assert_eq!(reaction, "2026-11-23T10:25:00+02:00");
    assert_eq!(resolution, "2026-11-23T13:25:00+02:00");
}

#[test]
fn spec_example_friday_1825_with_evening() {
    let (reaction, resolution) = class3_dues("base+evening", &SlaPolicy::default_table());
    assert_eq!(reaction, "2026-11-20T19:25:00+02:00");
    // 1h35m until 20:00 on Friday, 2h25m from 09:30 on Monday.
    assert_eq!(resolution, "2026-11-23T11:55:00+02:00");
}

#[test]
fn spec_example_friday_1825_with_stability() {
    let (reaction, resolution) = class3_dues("base", &SlaPolicy::stability());
    assert_eq!(reaction, "2026-11-23T09:55:00+02:00");
    assert_eq!(resolution, "2026-11-23T10:25:00+02:00");
    let (reaction, resolution) = class3_dues("base+evening", &SlaPolicy::stability());
    assert_eq!(reaction, "2026-11-20T18:55:00+02:00");
    assert_eq!(resolution, "2026-11-20T19:25:00+02:00");
}

#[test]
fn time_that_runs_out_at_a_closing_is_due_at_the_closing() {
    let cal = Calendar::builder(Calendar::time_zone("Europe/Kyiv").unwrap())
        .week(week(&WEEKDAYS, &[("09:00", "17:00")]))
        .build()
        .unwrap();
    assert_eq!(
        due(&cal, "2026-11-18T16:00:00+02:00", hours(1)),
        "2026-11-18T17:00:00+02:00"
    );
    assert_eq!(
        due(
            &cal,
            "2026-11-18T16:00:00+02:00",
            hours(1) + SignedDuration::from_secs(1)
        ),
        "2026-11-19T09:00:01+02:00"
    );
}

#[test]
fn zero_is_the_start_and_a_closed_start_waits_for_the_opening() {
    let cal = preset("base", "Europe/Kyiv");
    let saturday = "2026-11-21T12:00:00+02:00";
    assert_eq!(due(&cal, saturday, SignedDuration::ZERO), saturday);
    assert_eq!(due(&cal, saturday, hours(1)), "2026-11-23T10:30:00+02:00");
    assert_eq!(
        cal.next_open(ts(saturday)).unwrap(),
        Some(ts("2026-11-23T09:30:00+02:00"))
    );
    assert!(!cal.is_covered(ts(saturday)).unwrap());
    assert!(cal.is_covered(ts("2026-11-23T09:30:00+02:00")).unwrap());
    assert!(
        !cal.is_covered(ts("2026-11-23T18:30:00+02:00")).unwrap(),
        "ends are open"
    );
}

#[test]
fn between_counts_covered_time_only() {
    let cal = preset("base", "Europe/Kyiv");
    let a = ts("2026-11-20T18:00:00+02:00");
    let b = ts("2026-11-23T10:00:00+02:00");
    assert_eq!(cal.between(a, b).unwrap(), mins(60));
    assert_eq!(cal.between(b, a).unwrap(), SignedDuration::ZERO);
    assert_eq!(
        cal.windows(a, b).unwrap(),
        vec![
            (a, ts("2026-11-20T18:30:00+02:00")),
            (ts("2026-11-23T09:30:00+02:00"), b)
        ]
    );
}

#[test]
fn lunch_gaps_overlaps_and_midnight_ends() {
    let tz = Calendar::time_zone("Europe/Kyiv").unwrap();
    let lunch = Calendar::builder(tz.clone())
        .week(week(&WEEKDAYS, &[("09:00", "13:00"), ("14:00", "18:00")]))
        .build()
        .unwrap();
    assert_eq!(
        due(&lunch, "2026-11-18T12:30:00+02:00", hours(1)),
        "2026-11-18T14:30:00+02:00"
    );
    let overlapping = Calendar::builder(tz.clone())
        .week(week(&WEEKDAYS, &[("09:00", "12:00"), ("11:00", "13:00")]))
        .build()
        .unwrap();
    let day = |c: &Calendar| {
        c.between(
            ts("2026-11-18T00:00:00+02:00"),
            ts("2026-11-19T00:00:00+02:00"),
        )
        .unwrap()
    };
    assert_eq!(day(&overlapping), hours(4));
    let to_midnight = Calendar::builder(tz)
        .week(week(&WEEKDAYS, &[("18:00", "24:00")]))
        .build()
        .unwrap();
    assert_eq!(day(&to_midnight), hours(6));
}

#[test]
fn a_holiday_closes_its_whole_date_including_a_night_shift_part() {
    let tz = Calendar::time_zone("Europe/Kyiv").unwrap();
    let nights = week(&every_day(), &[("22:00", "06:00")]);
    let plain = Calendar::builder(tz.clone())
        .week(nights.clone())
        .build()
        .unwrap();
    let with_holiday = Calendar::builder(tz)
        .week(nights)
        .holiday(date(2026, 11, 21))
        .build()
        .unwrap();
    let (fri_22, sat_08) = (
        ts("2026-11-20T22:00:00+02:00"),
        ts("2026-11-21T08:00:00+02:00"),
    );
    assert_eq!(plain.between(fri_22, sat_08).unwrap(), hours(8));
    assert_eq!(with_holiday.between(fri_22, sat_08).unwrap(), hours(2));
    // Saturday's own shift belongs to a closed date: its Saturday part is gone, Sunday's stays.
    let (sat_20, sun_08) = (
        ts("2026-11-21T20:00:00+02:00"),
        ts("2026-11-22T08:00:00+02:00"),
    );
    assert_eq!(with_holiday.between(sat_20, sun_08).unwrap(), hours(6));
}

#[test]
fn moved_working_days_and_their_precedence_over_holidays() {
    let cal = Calendar::builder(Calendar::time_zone("Europe/Kyiv").unwrap())
        .week(
            "base"
                .parse::<tierline_domain::calendar::Coverage>()
                .unwrap()
                .week(),
        )
        .holiday(date(2026, 1, 1))
        .holiday(date(2026, 1, 2))
        .workday(date(2026, 1, 10), vec![iv("10:00", "15:00")])
        .workday(date(2026, 1, 2), vec![iv("09:30", "12:00")])
        .build()
        .unwrap();
    let day = |d: &str| {
        let a = ts(&format!("{d}T00:00:00+02:00"));
        cal.between(a, a + hours(24)).unwrap()
    };
    assert_eq!(day("2026-01-01"), SignedDuration::ZERO, "holiday");
    assert_eq!(
        day("2026-01-02"),
        mins(150),
        "a moved day wins over a holiday"
    );
    assert_eq!(day("2026-01-10"), hours(5), "a Saturday worked");
    assert_eq!(day("2026-01-12"), hours(9), "an ordinary Monday");
}

#[test]
fn one_off_periods_open_and_close_time() {
    let cal = Calendar::builder(Calendar::time_zone("Europe/Kyiv").unwrap())
        .week(week(&WEEKDAYS, &[("09:00", "17:00")]))
        .open_period(
            ts("2026-11-21T10:00:00+02:00"),
            ts("2026-11-21T12:00:00+02:00"),
        )
        .closed_period(
            ts("2026-11-18T12:00:00+02:00"),
            ts("2026-11-18T14:00:00+02:00"),
        )
        .closed_period(
            ts("2026-11-21T11:00:00+02:00"),
            ts("2026-11-21T11:30:00+02:00"),
        )
        .build()
        .unwrap();
    let day = |d: &str| {
        let a = ts(&format!("{d}T00:00:00+02:00"));
        cal.between(a, a + hours(24)).unwrap()
    };
    assert_eq!(day("2026-11-18"), hours(6));
    assert_eq!(day("2026-11-21"), mins(90), "closed wins over open");
    assert!(matches!(
        Calendar::builder(cal.tz().clone())
            .closed_period(ts("2026-11-21T11:00:00Z"), ts("2026-11-21T10:00:00Z"))
            .build(),
        Err(CalendarError::EmptyPeriod { .. })
    ));
}

#[test]
fn bad_input_gets_errors_not_panics() {
    let cal = preset("base", "Europe/Kyiv");
    assert_eq!(
        cal.add(ts("2026-01-01T00:00:00Z"), SignedDuration::from_secs(-1)),
        Err(CalendarError::NegativeDuration)
    );
    assert!(matches!(
        cal.add(ts("1969-12-31T00:00:00Z"), hours(1)),
        Err(CalendarError::OutOfRange(_))
    ));
    assert!(matches!(
        cal.add(ts("2199-12-31T00:00:00Z"), hours(100)),
        Err(CalendarError::NoCoverage(_))
    ));
    let closed = Calendar::builder(Calendar::time_zone("UTC").unwrap())
        .build()
        .unwrap();
    assert_eq!(closed.next_open(ts("2026-01-01T00:00:00Z")).unwrap(), None);
    assert!(matches!(
        closed.add(ts("2026-01-01T00:00:00Z"), hours(1)),
        Err(CalendarError::NoCoverage(_))
    ));
    assert!(matches!(
        Calendar::time_zone("Mars/Olympus"),
        Err(CalendarError::UnknownTimeZone(_))
    ));
    for bad in ["25:00", "9:30", "12:60", "ab:cd", "24:01", ""] {
        assert!(
            bad.parse::<tierline_domain::calendar::TimeOfDay>().is_err(),
            "{bad}"
        );
    }
    assert!(tierline_domain::calendar::WorkInterval::parse("24:00", "06:00").is_err());
    assert!(tierline_domain::calendar::WorkInterval::parse("10:00", "10:00").is_err());
}

#[test]
fn calendars_from_json_specs_and_ics_files() {
    let spec: CalendarSpec = serde_json::from_str(
        r#"{"tz": "Europe/Kyiv", "week": {"mon": [["09:30", "18:30"]], "sat": [["22:00", "06:00"]]},
            "holidays": ["2026-01-05"], "workdays": {"2026-01-10": [["09:30", "18:30"]]}}"#,
    )
    .unwrap();
    let cal = Calendar::try_from(&spec).unwrap();
    assert_eq!(cal.week().intervals(Weekday::Saturday).len(), 1);
    assert!(cal.holiday_dates().contains(&date(2026, 1, 5)));
    assert!(serde_json::from_str::<CalendarSpec>(r#"{"tz": "UTC", "weeek": {}}"#).is_err());
    let bad_day: CalendarSpec =
        serde_json::from_str(r#"{"tz": "UTC", "week": {"funday": [["09:00", "10:00"]]}}"#).unwrap();
    assert!(matches!(
        Calendar::try_from(&bad_day),
        Err(CalendarError::UnknownWeekday(_))
    ));

    let ics = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261120\nSUMMARY:Day off\nEND:VEVENT\nEND:VCALENDAR\n";
    let import = parse_holidays(ics, date(2030, 12, 31)).unwrap();
    let cal = Calendar::builder(Calendar::time_zone("Europe/Kyiv").unwrap())
        .week(
            "base"
                .parse::<tierline_domain::calendar::Coverage>()
                .unwrap()
                .week(),
        )
        .holidays(import.dates())
        .build()
        .unwrap();
    assert_eq!(
        due(&cal, FRIDAY_1825, hours(1)),
        "2026-11-23T10:30:00+02:00"
    );
}

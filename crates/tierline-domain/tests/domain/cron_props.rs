//! Cron schedules against a model that walks back a minute at a time.

use jiff::Timestamp;
use jiff::tz::TimeZone;
use proptest::prelude::*;
use tierline_domain::cron::Cron;

fn field(max: u32) -> impl Strategy<Value = String> {
    prop_oneof![
        Just("*".to_owned()),
        (0..=max).prop_map(|v| v.to_string()),
        (1..=max / 2 + 1).prop_map(|s| format!("*/{s}")),
        (0..=max, 0..=max).prop_map(|(a, b)| format!("{}-{}", a.min(b), a.max(b))),
        proptest::collection::vec(0..=max, 1..4).prop_map(|v| v
            .iter()
            .map(u32::to_string)
            .collect::<Vec<_>>()
            .join(",")),
    ]
}

/// Whether a local time matches, read straight from the five fields.
fn matches(fields: &[String; 5], t: jiff::civil::DateTime) -> bool {
    let hit = |f: &str, v: i64, lo: i64, hi: i64| {
        f.split(',').any(|part| {
            let (range, step) = part
                .split_once('/')
                .map_or((part, 1), |(r, s)| (r, s.parse().unwrap()));
            let (a, b) = if range == "*" {
                (lo, hi)
            } else if let Some((a, b)) = range.split_once('-') {
                (a.parse().unwrap(), b.parse().unwrap())
            } else {
                let a: i64 = range.parse().unwrap();
                (a, if part.contains('/') { hi } else { a })
            };
            v >= a && v <= b && (v - a) % step == 0
        })
    };
    let dow = i64::from(t.weekday().to_sunday_zero_offset());
    let dow_hit = hit(&fields[4], dow, 0, 7) || (dow == 0 && hit(&fields[4], 7, 0, 7));
    let dom_hit = hit(&fields[2], t.day().into(), 1, 31);
    let day = match (fields[2] != "*", fields[4] != "*") {
        (true, true) => dom_hit || dow_hit,
        (true, false) => dom_hit,
        (false, true) => dow_hit,
        (false, false) => true,
    };
    hit(&fields[0], t.minute().into(), 0, 59)
        && hit(&fields[1], t.hour().into(), 0, 23)
        && hit(&fields[3], t.month().into(), 1, 12)
        && day
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn latest_run_matches_walking_back(
        mi in field(59), h in field(23), dom in field(31), mo in field(12), dow in field(7),
        at in 1_780_000_000i64..1_800_000_000,
        zone in prop_oneof![Just("UTC"), Just("Asia/Kolkata")],
    ) {
        let text = format!("{mi} {h} {dom} {mo} {dow}");
        // Day 0 or month 0 are refused by the parser (tested elsewhere); skip them here.
        let Ok(cron) = text.parse::<Cron>() else { return Ok(()) };
        let tz = TimeZone::get(zone).unwrap();
        let at = Timestamp::from_second(at).unwrap();
        let fields = [mi, h, dom, mo, dow];
        // The model: every minute back from `at`, for eight days.
        let mut t = Timestamp::from_second(at.as_second() - at.as_second().rem_euclid(60)).unwrap();
        let mut expected = None;
        for _ in 0..(8 * 24 * 60) {
            if matches(&fields, t.to_zoned(tz.clone()).datetime()) {
                expected = Some(t);
                break;
            }
            t = Timestamp::from_second(t.as_second() - 60).unwrap();
        }
        let got = cron.latest_at_or_before(at, &tz);
        match expected {
            Some(e) => prop_assert_eq!(got, Some(e), "{}", text),
            None => prop_assert!(got.is_none_or(|g| g < t), "{}: {:?}", text, got),
        }
    }
}

//! Availability and the monitor state machine against brute-force models a second at a time.

use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;
use tierline_domain::availability::{HealthChange, Span, combine, tally};
use tierline_domain::monitor::{Damping, Health, Step, Tracker};

fn t(s: i64) -> Timestamp {
    Timestamp::from_second(1_800_000_000 + s).unwrap()
}

fn health() -> impl Strategy<Value = Health> {
    prop_oneof![Just(Health::Up), Just(Health::Down), Just(Health::Unknown)]
}

fn changes() -> impl Strategy<Value = Vec<(i64, Health)>> {
    proptest::collection::vec((0i64..600, health()), 0..12)
}

/// The health at second `s` as the definition states it: the latest change at or before it.
fn health_at(changes: &[(i64, Health)], s: i64) -> Health {
    let mut best: Option<(i64, usize, Health)> = None;
    for (i, &(at, h)) in changes.iter().enumerate() {
        // Of two changes at one instant, the later in the list wins (a stable sort keeps order).
        if at <= s && best.is_none_or(|(b, j, _)| at > b || (at == b && i > j)) {
            best = Some((at, i, h));
        }
    }
    best.map_or(Health::Unknown, |(_, _, h)| h)
}

proptest! {
    #[test]
    fn tally_matches_a_second_by_second_count(
        ch in changes(),
        windows in proptest::collection::vec((0i64..600, 0i64..120), 0..4),
        from in 0i64..300,
        len in 0i64..400,
        now in 0i64..700,
    ) {
        let list: Vec<HealthChange> = ch.iter().map(|&(s, h)| HealthChange { at: t(s), health: h }).collect();
        let spans: Vec<Span> = windows.iter().map(|&(s, l)| Span { from: t(s), until: t(s + l) }).collect();
        let got = tally(&list, &spans, Span { from: t(from), until: t(from + len) }, t(now));
        let (mut up, mut down, mut unknown, mut maint) = (0, 0, 0, 0);
        for s in from..(from + len).min(now) {
            if windows.iter().any(|&(w, l)| w <= s && s < w + l) {
                maint += 1;
                continue;
            }
            match health_at(&ch, s) {
                Health::Up => up += 1,
                Health::Down => down += 1,
                Health::Unknown => unknown += 1,
            }
        }
        prop_assert_eq!(got.up, SignedDuration::from_secs(up));
        prop_assert_eq!(got.down, SignedDuration::from_secs(down));
        prop_assert_eq!(got.unknown, SignedDuration::from_secs(unknown));
        prop_assert_eq!(got.maintenance, SignedDuration::from_secs(maint));
    }

    #[test]
    fn a_system_is_as_healthy_as_its_worst_monitor(
        monitors in proptest::collection::vec(changes(), 1..4),
    ) {
        // Distinct instants per monitor keep the model free of same-instant ordering.
        let monitors: Vec<Vec<(i64, Health)>> = monitors.into_iter().map(|mut m| {
            m.sort_by_key(|c| c.0);
            m.dedup_by_key(|c| c.0);
            m
        }).collect();
        let lists: Vec<Vec<HealthChange>> = monitors.iter()
            .map(|m| m.iter().map(|&(s, h)| HealthChange { at: t(s), health: h }).collect())
            .collect();
        let system = combine(&lists);
        let as_pairs: Vec<(i64, Health)> = system.iter()
            .map(|c| (c.at.as_second() - 1_800_000_000, c.health)).collect();
        for s in 0..610 {
            let each: Vec<Health> = monitors.iter().map(|m| health_at(m, s)).collect();
            let expected = if each.contains(&Health::Down) {
                Health::Down
            } else if each.contains(&Health::Unknown) {
                Health::Unknown
            } else {
                Health::Up
            };
            prop_assert_eq!(health_at(&as_pairs, s), expected, "second {}", s);
        }
    }

    #[test]
    fn down_means_retries_plus_one_failures_in_a_row(
        verdicts in proptest::collection::vec(any::<bool>(), 1..60),
        retries in 0u32..4,
    ) {
        let damping = Damping { retries, ..Damping::default() };
        let mut tracker = Tracker::default();
        let mut model = Health::Unknown;
        let mut run: Vec<i64> = Vec::new();
        for (i, &up) in verdicts.iter().enumerate() {
            let at = i64::try_from(i).unwrap() * 20;
            let step = tracker.observe(up, t(at), &damping);
            // The model: a run of failures confirms down at its (retries + 1)-th member and
            // dates it from the first; one pass ends the run and, if not up, brings it up.
            let expected = if up {
                run.clear();
                if model == Health::Up { None } else { model = Health::Up; Some((Health::Up, at)) }
            } else if model == Health::Down {
                None
            } else {
                run.push(at);
                if run.len() > retries as usize {
                    model = Health::Down;
                    let first = run[0];
                    run.clear();
                    Some((Health::Down, first))
                } else {
                    None
                }
            };
            match (step, expected) {
                (Step::Changed(c), Some((h, since))) => {
                    prop_assert_eq!(c.to, h);
                    prop_assert_eq!(c.since, t(since));
                    prop_assert_eq!(c.detected_at, t(at));
                }
                (Step::Steady | Step::Retrying { .. }, None) => {}
                (got, want) => prop_assert!(false, "at {}: got {:?}, want {:?}", at, got, want),
            }
        }
    }
}

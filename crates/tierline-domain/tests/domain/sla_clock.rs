//! SLA clocks: pauses, states, warnings, re-timing on a class change.

use jiff::SignedDuration;
use proptest::prelude::*;
use tierline_domain::sla::{ClockKind, Pause, WarningShare};
use tierline_domain::{Class, ClockState, SlaPolicy};

use crate::helpers::*;

const MON_0930: &str = "2026-11-16T09:30:00+02:00";

#[test]
fn a_pause_moves_the_due_time_and_freezes_elapsed() {
    let cal = preset("base", "Europe/Kyiv");
    let clock = tierline_domain::Clock::new(&cal, ts(MON_0930), hours(4))
        .unwrap()
        .with_pauses([Pause::between(
            ts("2026-11-16T10:00:00+02:00"),
            ts("2026-11-16T11:00:00+02:00"),
        )])
        .unwrap();
    assert_eq!(clock.due().unwrap(), Some(ts("2026-11-16T14:30:00+02:00")));
    assert_eq!(
        clock.warning_at().unwrap(),
        Some(ts("2026-11-16T13:42:00+02:00"))
    );
    assert_eq!(
        clock.elapsed(ts("2026-11-16T10:30:00+02:00")).unwrap(),
        mins(30)
    );
    assert_eq!(
        clock.elapsed(ts("2026-11-16T12:00:00+02:00")).unwrap(),
        mins(90)
    );
    assert_eq!(
        clock.remaining(ts("2026-11-16T12:00:00+02:00")).unwrap(),
        mins(150)
    );
    assert_eq!(
        clock.remaining(ts("2026-11-16T15:30:00+02:00")).unwrap(),
        mins(-60)
    );

    let state = |c: &tierline_domain::Clock, t: &str| c.state(ts(t)).unwrap();
    assert_eq!(
        state(&clock, "2026-11-16T09:45:00+02:00"),
        ClockState::Running
    );
    assert_eq!(
        state(&clock, "2026-11-16T10:30:00+02:00"),
        ClockState::Paused
    );
    assert_eq!(
        state(&clock, "2026-11-16T13:50:00+02:00"),
        ClockState::Warning
    );
    assert_eq!(
        state(&clock, "2026-11-16T14:30:00+02:00"),
        ClockState::Warning,
        "due is on time"
    );
    assert_eq!(
        state(&clock, "2026-11-16T14:30:01+02:00"),
        ClockState::Breached
    );
    // Out of hours after the due time it stays breached although no covered time passes.
    assert_eq!(
        state(&clock, "2026-11-16T20:00:00+02:00"),
        ClockState::Breached
    );

    let met = clock.clone().stopped_at(ts("2026-11-16T14:00:00+02:00"));
    assert_eq!(
        state(&met, "2026-11-16T13:59:00+02:00"),
        ClockState::Warning
    );
    assert_eq!(state(&met, "2026-11-17T10:00:00+02:00"), ClockState::Met);
    assert_eq!(
        met.elapsed(ts("2026-11-17T10:00:00+02:00")).unwrap(),
        mins(210)
    );
    let late = clock.stopped_at(ts("2026-11-16T15:00:00+02:00"));
    assert_eq!(
        state(&late, "2026-11-17T10:00:00+02:00"),
        ClockState::Breached
    );
}

#[test]
fn an_ongoing_pause_holds_the_clock() {
    let cal = preset("base", "Europe/Kyiv");
    let clock = tierline_domain::Clock::new(&cal, ts(MON_0930), hours(1))
        .unwrap()
        .with_pauses([Pause::ongoing(ts("2026-11-16T10:00:00+02:00"))])
        .unwrap();
    assert_eq!(clock.due().unwrap(), None);
    assert_eq!(
        clock.state(ts("2026-11-20T10:00:00+02:00")).unwrap(),
        ClockState::Paused
    );
    assert_eq!(
        clock.elapsed(ts("2026-11-20T10:00:00+02:00")).unwrap(),
        mins(30)
    );
    // A pause that begins after the due time does not save a breach.
    let late_pause = tierline_domain::Clock::new(&cal, ts(MON_0930), hours(1))
        .unwrap()
        .with_pauses([Pause::ongoing(ts("2026-11-16T11:00:00+02:00"))])
        .unwrap();
    assert_eq!(
        late_pause.state(ts("2026-11-16T12:00:00+02:00")).unwrap(),
        ClockState::Breached
    );
}

#[test]
fn pauses_are_normalised_and_checked() {
    let cal = preset("24x7", "UTC");
    let clock = tierline_domain::Clock::new(&cal, ts("2026-01-01T10:00:00Z"), hours(3))
        .unwrap()
        .with_pauses([
            Pause::between(ts("2026-01-01T12:00:00Z"), ts("2026-01-01T13:00:00Z")),
            Pause::between(ts("2026-01-01T08:00:00Z"), ts("2026-01-01T09:00:00Z")),
            Pause::between(ts("2026-01-01T09:30:00Z"), ts("2026-01-01T10:30:00Z")),
            Pause::between(ts("2026-01-01T12:30:00Z"), ts("2026-01-01T14:00:00Z")),
        ])
        .unwrap();
    assert_eq!(
        clock.pauses(),
        &[
            Pause::between(ts("2026-01-01T10:00:00Z"), ts("2026-01-01T10:30:00Z")),
            Pause::between(ts("2026-01-01T12:00:00Z"), ts("2026-01-01T14:00:00Z")),
        ]
    );
    assert_eq!(clock.due().unwrap(), Some(ts("2026-01-01T15:30:00Z")));
    assert!(
        tierline_domain::Clock::new(&cal, ts("2026-01-01T10:00:00Z"), hours(1))
            .unwrap()
            .with_pauses([Pause::between(
                ts("2026-01-01T12:00:00Z"),
                ts("2026-01-01T11:00:00Z")
            )])
            .is_err()
    );
    assert!(WarningShare::from_ratio(1.5).is_err());
}

#[test]
fn a_class_change_re_times_from_the_original_start() {
    let cal = preset("base", "Europe/Kyiv");
    let policy = SlaPolicy::default_table();
    let opened = ts(MON_0930);
    let reaction = |class: i64| {
        policy
            .clock(
                &cal,
                Class::try_from(class).unwrap(),
                ClockKind::Reaction,
                opened,
                None,
            )
            .unwrap()
            .map(|c| c.due().unwrap().unwrap())
    };
    assert_eq!(reaction(5), Some(ts("2026-11-16T12:30:00+02:00")));
    // Re-classified to 3 at 11:00: due one covered hour after the original start, already past.
    assert_eq!(reaction(3), Some(ts("2026-11-16T10:30:00+02:00")));
    assert_eq!(reaction(1), None, "class 1 is not in the SLA");
    // Class 2's resolution is individual: a clock needs the typed-in target.
    let class2 = Class::try_from(2).unwrap();
    assert!(
        policy
            .clock(&cal, class2, ClockKind::Resolution, opened, None)
            .is_err()
    );
    let individual = policy
        .clock(&cal, class2, ClockKind::Resolution, opened, Some(hours(2)))
        .unwrap()
        .unwrap();
    assert_eq!(
        individual.due().unwrap(),
        Some(ts("2026-11-16T11:30:00+02:00"))
    );
}

fn pause_strategy() -> impl Strategy<Value = Vec<(i64, i64)>> {
    prop::collection::vec((0i64..6000, 1i64..900), 0..5)
}

proptest! {
    /// The due instant is the first at which elapsed covered time outside pauses reaches the
    /// target, checked minute by minute.
    #[test]
    fn due_is_the_first_minute_elapsed_reaches_the_target(
        start in 0i64..10_000,
        target in 0i64..1200,
        pauses in pause_strategy(),
    ) {
        let cal = preset("base+evening", "Europe/Kyiv");
        let origin = ts("2026-10-19T00:00:00+03:00");
        let at = |m: i64| origin + SignedDuration::from_mins(m);
        let clock = tierline_domain::Clock::new(&cal, at(start), mins(target))
            .unwrap()
            .with_pauses(pauses.iter().map(|&(a, len)| Pause::between(at(a), at(a + len))))
            .unwrap();
        let due = clock.due().unwrap().unwrap();
        prop_assert_eq!(clock.elapsed(due).unwrap(), mins(target));
        if target > 0 {
            prop_assert!(clock.elapsed(due - SignedDuration::from_mins(1)).unwrap() < mins(target));
        }
        let snapshot = clock.snapshot(due).unwrap();
        prop_assert_eq!(snapshot.remaining, SignedDuration::ZERO);
        prop_assert_ne!(snapshot.state, ClockState::Breached);
    }
}

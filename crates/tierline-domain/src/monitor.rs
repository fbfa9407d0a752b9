//! A monitor's state machine: failed tries before down, recovery, and flap damping.
//!
//! A single failed check is not downtime: a network blip must not page anyone. A monitor goes
//! down only when `retries + 1` checks in a row fail, and then it has been down *since the first
//! of them* (the system was already failing then; confirming took the retries). It recovers at
//! the first check that passes. Every confirmed change is remembered for a window, so a monitor
//! that keeps changing is known to be flapping and the incident side can stay quiet.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

/// What is known of a monitored thing at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Health {
    /// Answering as expected.
    Up,
    /// Confirmed down.
    Down,
    /// No data: not checked yet, paused, or our own monitoring was not running.
    Unknown,
}

impl Health {
    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Health::Up => "up",
            Health::Down => "down",
            Health::Unknown => "unknown",
        }
    }

    /// The inverse of [`Health::as_str`].
    pub fn parse(s: &str) -> Option<Health> {
        match s {
            "up" => Some(Health::Up),
            "down" => Some(Health::Down),
            "unknown" => Some(Health::Unknown),
            _ => None,
        }
    }
}

/// How eagerly a monitor confirms a failure and when it counts as flapping.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Damping {
    /// Failed checks tolerated before down: down is confirmed at the `retries + 1`-th failure.
    pub retries: u32,
    /// How far back confirmed changes count towards flapping.
    pub flap_window: SignedDuration,
    /// Confirmed changes within the window from which the monitor is flapping.
    pub flap_limit: u32,
}

impl Default for Damping {
    fn default() -> Damping {
        Damping {
            retries: 2,
            flap_window: SignedDuration::from_mins(30),
            flap_limit: 4,
        }
    }
}

/// A confirmed change of health.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    /// The new health.
    pub to: Health,
    /// From when it holds: the first failure of a confirmed down, the passing check of a recovery.
    pub since: Timestamp,
    /// When it was known (the confirming check): an incident's clocks start here.
    pub detected_at: Timestamp,
    /// Whether the monitor was flapping once this change is counted.
    pub flapping: bool,
}

/// What one observation did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Nothing new: up and still up, down and still down.
    Steady,
    /// A failure not confirmed yet: `failures` of `retries + 1`; check again soon.
    Retrying {
        /// Failures in a row so far.
        failures: u32,
    },
    /// A confirmed change.
    Changed(Change),
}

/// A monitor's memory between checks; small enough to store as a row's few columns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tracker {
    /// The confirmed health.
    pub health: Health,
    /// Failed checks in a row not yet confirmed as down.
    pub failures: u32,
    /// The first of those failures.
    pub first_failure: Option<Timestamp>,
    /// Confirmed changes within the flap window, oldest first.
    pub recent: Vec<Timestamp>,
}

impl Default for Tracker {
    fn default() -> Tracker {
        Tracker {
            health: Health::Unknown,
            failures: 0,
            first_failure: None,
            recent: Vec::new(),
        }
    }
}

impl Tracker {
    /// Takes one check's verdict at `at`.
    pub fn observe(&mut self, up: bool, at: Timestamp, damping: &Damping) -> Step {
        if up {
            self.failures = 0;
            self.first_failure = None;
            if self.health == Health::Up {
                return Step::Steady;
            }
            return Step::Changed(self.confirm(Health::Up, at, at, damping));
        }
        if self.health == Health::Down {
            return Step::Steady;
        }
        self.failures = self.failures.saturating_add(1);
        let first = *self.first_failure.get_or_insert(at);
        if self.failures <= damping.retries {
            return Step::Retrying {
                failures: self.failures,
            };
        }
        self.failures = 0;
        self.first_failure = None;
        Step::Changed(self.confirm(Health::Down, first, at, damping))
    }

    /// Nothing is known from `at` on (the monitor was paused, or checks stopped): the next
    /// verdict starts afresh. `None` when the health was unknown already.
    pub fn lose_track(&mut self, at: Timestamp) -> Option<Change> {
        self.failures = 0;
        self.first_failure = None;
        if self.health == Health::Unknown {
            return None;
        }
        self.health = Health::Unknown;
        Some(Change {
            to: Health::Unknown,
            since: at,
            detected_at: at,
            flapping: false,
        })
    }

    /// Whether the monitor is flapping at `now`.
    pub fn is_flapping(&self, now: Timestamp, damping: &Damping) -> bool {
        let from = now.checked_sub(damping.flap_window).unwrap_or(now);
        let n = self.recent.iter().filter(|&&t| t > from).count();
        u32::try_from(n).unwrap_or(u32::MAX) >= damping.flap_limit
    }

    fn confirm(
        &mut self,
        to: Health,
        since: Timestamp,
        detected_at: Timestamp,
        damping: &Damping,
    ) -> Change {
        // The first verdict after "unknown" only says where things stand: not a change that
        // counts towards flapping.
        if self.health != Health::Unknown {
            self.recent.push(detected_at);
        }
        let from = detected_at
            .checked_sub(damping.flap_window)
            .unwrap_or(detected_at);
        self.recent.retain(|&t| t > from);
        self.health = to;
        Change {
            to,
            since,
            detected_at,
            flapping: self.is_flapping(detected_at, damping),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).unwrap()
    }

    #[test]
    fn down_is_confirmed_after_the_retries_and_dates_from_the_first_failure() {
        let d = Damping::default();
        let mut tr = Tracker::default();
        assert!(matches!(tr.observe(true, t(0), &d), Step::Changed(c) if c.to == Health::Up));
        assert_eq!(tr.observe(false, t(60), &d), Step::Retrying { failures: 1 });
        assert_eq!(tr.observe(false, t(80), &d), Step::Retrying { failures: 2 });
        let Step::Changed(c) = tr.observe(false, t(100), &d) else {
            panic!("confirmed")
        };
        assert_eq!(
            (c.to, c.since, c.detected_at),
            (Health::Down, t(60), t(100))
        );
        assert_eq!(tr.observe(false, t(160), &d), Step::Steady);
        let Step::Changed(c) = tr.observe(true, t(220), &d) else {
            panic!("recovered")
        };
        assert_eq!((c.to, c.since), (Health::Up, t(220)));
    }

    #[test]
    fn a_blip_is_not_downtime() {
        let d = Damping::default();
        let mut tr = Tracker::default();
        tr.observe(true, t(0), &d);
        assert_eq!(tr.observe(false, t(60), &d), Step::Retrying { failures: 1 });
        assert_eq!(tr.observe(true, t(80), &d), Step::Steady);
        assert_eq!(
            tr.observe(false, t(140), &d),
            Step::Retrying { failures: 1 }
        );
    }

    #[test]
    fn many_changes_in_the_window_are_flapping() {
        let d = Damping {
            retries: 0,
            ..Damping::default()
        };
        let mut tr = Tracker::default();
        tr.observe(true, t(0), &d);
        let mut flaps = Vec::new();
        for i in 1..=6 {
            if let Step::Changed(c) = tr.observe(i % 2 == 0, t(i * 60), &d) {
                flaps.push(c.flapping);
            }
        }
        assert_eq!(flaps, [false, false, false, true, true, true]);
        assert!(!tr.is_flapping(t(6 * 60 + 1800), &d));
    }
}

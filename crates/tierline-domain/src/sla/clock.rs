//! An SLA clock: covered time from a start, outside pauses, against a target.
//!
//! A clock is a pure function of its inputs: the start, the target, the calendar, the pauses and
//! the instant it stopped. Nothing is stored that could drift; asking again with other inputs
//! (a new class's target, a new pause) re-times it from the original start.

use std::fmt;

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;

use super::SlaError;
use crate::calendar::Calendar;

/// An interval during which the clock does not run (waiting for the customer, or for a vendor
/// where the contract says so). `until: None` is a pause still going on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Pause {
    /// When the pause began.
    pub from: Timestamp,
    /// When it ended; `None` while it lasts.
    pub until: Option<Timestamp>,
}

impl Pause {
    /// A finished pause.
    pub fn between(from: Timestamp, until: Timestamp) -> Pause {
        Pause {
            from,
            until: Some(until),
        }
    }

    /// A pause that has not ended.
    pub fn ongoing(from: Timestamp) -> Pause {
        Pause { from, until: None }
    }
}

impl fmt::Display for Pause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.until {
            Some(u) => write!(f, "{}..{}", self.from, u),
            None => write!(f, "{}..", self.from),
        }
    }
}

/// The share of the target at which a clock warns, in thousandths; 80 % by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WarningShare(u16);

impl WarningShare {
    /// A share from a ratio in `0..=1`, e.g. `0.8`.
    pub fn from_ratio(r: f64) -> Result<WarningShare, SlaError> {
        if !(0.0..=1.0).contains(&r) {
            return Err(SlaError::InvalidWarningShare(r.to_string()));
        }
        // In range by the check above, so the cast cannot truncate.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Ok(WarningShare((r * 1000.0).round() as u16))
    }

    /// The ratio, e.g. `0.8`.
    pub fn ratio(self) -> f64 {
        f64::from(self.0) / 1000.0
    }

    fn of(self, d: SignedDuration) -> SignedDuration {
        let n = d.as_nanos() * i128::from(self.0) / 1000;
        SignedDuration::from_nanos(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl Default for WarningShare {
    fn default() -> Self {
        WarningShare(800)
    }
}

/// Where a clock stands at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ClockState {
    /// Counting, before the warning.
    Running,
    /// Not counting: inside a pause, and not breached.
    Paused,
    /// Counting, past the warning share of the target.
    Warning,
    /// Past its due instant without being stopped, or stopped after it.
    Breached,
    /// Stopped at or before its due instant.
    Met,
}

/// Everything about a clock at one instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClockSnapshot {
    /// When the target is reached; `None` while an ongoing pause holds the clock.
    pub due: Option<Timestamp>,
    /// When the warning falls; `None` as for `due`.
    pub warning_at: Option<Timestamp>,
    /// Covered time counted so far (up to the stop, if stopped), as an ISO 8601 duration.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "PT45M"))]
    pub elapsed: SignedDuration,
    /// Target minus elapsed: negative once overdue.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "PT15M"))]
    pub remaining: SignedDuration,
    /// The state.
    pub state: ClockState,
}

/// One SLA clock over a calendar.
#[derive(Clone, Debug)]
pub struct Clock<'c> {
    calendar: &'c Calendar,
    start: Timestamp,
    target: SignedDuration,
    pauses: Vec<Pause>,
    stop: Option<Timestamp>,
    warning: WarningShare,
}

impl<'c> Clock<'c> {
    /// A clock that starts at `start` and is due after `target` of covered time.
    pub fn new(
        calendar: &'c Calendar,
        start: Timestamp,
        target: SignedDuration,
    ) -> Result<Clock<'c>, SlaError> {
        if target.is_negative() {
            return Err(crate::calendar::CalendarError::NegativeDuration.into());
        }
        Ok(Clock {
            calendar,
            start,
            target,
            pauses: Vec::new(),
            stop: None,
            warning: WarningShare::default(),
        })
    }

    /// The pauses, in any order; overlapping ones merge, and time before the start is ignored.
    pub fn with_pauses(
        mut self,
        pauses: impl IntoIterator<Item = Pause>,
    ) -> Result<Clock<'c>, SlaError> {
        let mut list: Vec<Pause> = Vec::new();
        for p in pauses {
            if p.until.is_some_and(|u| u <= p.from) {
                return Err(SlaError::EmptyPause(p.to_string()));
            }
            if p.until.is_some_and(|u| u <= self.start) {
                continue;
            }
            list.push(Pause {
                from: p.from.max(self.start),
                until: p.until,
            });
        }
        list.sort_by_key(|p| p.from);
        let mut merged: Vec<Pause> = Vec::with_capacity(list.len());
        for p in list {
            match merged.last_mut() {
                Some(last) if last.until.is_none_or(|u| p.from <= u) => {
                    last.until = match (last.until, p.until) {
                        (Some(a), Some(b)) => Some(a.max(b)),
                        _ => None,
                    };
                }
                _ => merged.push(p),
            }
        }
        self.pauses = merged;
        Ok(self)
    }

    /// The instant the clock was stopped (first reply, resolution, work started).
    pub fn stopped_at(mut self, stop: Timestamp) -> Clock<'c> {
        self.stop = Some(stop);
        self
    }

    /// The warning share (80 % unless set).
    pub fn with_warning_share(mut self, share: WarningShare) -> Clock<'c> {
        self.warning = share;
        self
    }

    /// The start.
    pub fn start(&self) -> Timestamp {
        self.start
    }

    /// The target.
    pub fn target(&self) -> SignedDuration {
        self.target
    }

    /// The pauses as normalised: sorted, merged, from the start on.
    pub fn pauses(&self) -> &[Pause] {
        &self.pauses
    }

    /// The due instant: when covered time outside the pauses reaches the target. `None` while an
    /// ongoing pause holds the clock before it gets there. A breach is any instant after it.
    pub fn due(&self) -> Result<Option<Timestamp>, SlaError> {
        self.reached(self.target)
    }

    /// The instant at which the warning share of the target has elapsed.
    pub fn warning_at(&self) -> Result<Option<Timestamp>, SlaError> {
        self.reached(self.warning.of(self.target))
    }

    fn reached(&self, amount: SignedDuration) -> Result<Option<Timestamp>, SlaError> {
        let cal = self.calendar;
        let mut cursor = self.start;
        let mut left = amount;
        for p in &self.pauses {
            let candidate = cal.add(cursor, left)?;
            if candidate <= p.from {
                return Ok(Some(candidate));
            }
            left -= cal.between(cursor, p.from)?;
            match p.until {
                Some(u) => cursor = cursor.max(u),
                None => return Ok(None),
            }
        }
        Ok(Some(cal.add(cursor, left)?))
    }

    /// Covered time outside pauses from the start to `at` (or to the stop, if earlier).
    pub fn elapsed(&self, at: Timestamp) -> Result<SignedDuration, SlaError> {
        let end = self.stop.map_or(at, |s| s.min(at));
        if end <= self.start {
            return Ok(SignedDuration::ZERO);
        }
        let cal = self.calendar;
        let mut e = cal.between(self.start, end)?;
        for p in &self.pauses {
            let b = p.until.map_or(end, |u| u.min(end));
            if b > p.from {
                e -= cal.between(p.from, b)?;
            }
        }
        Ok(e)
    }

    /// The covered windows the clock counts from its start up to `until` (its due instant, say),
    /// with the pauses cut out: what a person needs to see to check a due time by hand.
    pub fn counted_windows(
        &self,
        until: Timestamp,
    ) -> Result<Vec<(Timestamp, Timestamp)>, SlaError> {
        let mut out = Vec::new();
        for (s, e) in self.calendar.windows(self.start, until)? {
            let mut cursor = s;
            for p in &self.pauses {
                let pause_end = p.until.unwrap_or(Timestamp::MAX);
                if pause_end <= cursor || p.from >= e {
                    continue;
                }
                if p.from > cursor {
                    out.push((cursor, p.from));
                }
                cursor = cursor.max(pause_end);
            }
            if cursor < e {
                out.push((cursor, e));
            }
        }
        Ok(out)
    }

    /// Target minus elapsed at `at`; negative once the clock has run past its target.
    pub fn remaining(&self, at: Timestamp) -> Result<SignedDuration, SlaError> {
        Ok(self.target - self.elapsed(at)?)
    }

    fn paused_at(&self, at: Timestamp) -> bool {
        self.pauses
            .iter()
            .any(|p| p.from <= at && p.until.is_none_or(|u| at < u))
    }

    /// The state at `at`.
    pub fn state(&self, at: Timestamp) -> Result<ClockState, SlaError> {
        Ok(self.snapshot(at)?.state)
    }

    /// Due, warning, elapsed, remaining and state at `at`, computed together.
    pub fn snapshot(&self, at: Timestamp) -> Result<ClockSnapshot, SlaError> {
        let due = self.due()?;
        let warning_at = self.warning_at()?;
        let elapsed = self.elapsed(at)?;
        let state = match self.stop {
            Some(s) if s <= at => {
                if due.is_none_or(|d| s <= d) {
                    ClockState::Met
                } else {
                    ClockState::Breached
                }
            }
            _ if due.is_some_and(|d| at > d) => ClockState::Breached,
            _ if self.paused_at(at) => ClockState::Paused,
            _ if warning_at.is_some_and(|w| at >= w) && at >= self.start => ClockState::Warning,
            _ => ClockState::Running,
        };
        Ok(ClockSnapshot {
            due,
            warning_at,
            elapsed,
            remaining: self.target - elapsed,
            state,
        })
    }
}

//! Availability from state changes over time, with planned work excluded and unknown time apart.
//!
//! Counting checks would make availability depend on how often we look; integrating the health
//! timeline does not. A period is split into four kinds of time: up, down, unknown (no data, or
//! our own monitoring not running: never counted as up) and maintenance (planned, whatever the
//! health was: counted against nothing). Time after "now" is not counted at all.

use jiff::civil::{Date, Time, Weekday};
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::monitor::Health;

/// A half-open span of time `[from, until)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Span {
    /// Its start.
    pub from: Timestamp,
    /// Its end, excluded.
    pub until: Timestamp,
}

impl Span {
    /// How long it lasts (zero if inverted).
    pub fn len(&self) -> SignedDuration {
        self.until
            .duration_since(self.from)
            .max(SignedDuration::ZERO)
    }

    /// Whether it holds no time.
    pub fn is_empty(&self) -> bool {
        self.until <= self.from
    }
}

/// From `at` on, the health is `health` (until the next change).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthChange {
    /// When.
    pub at: Timestamp,
    /// The health from then.
    pub health: Health,
}

/// How a period's time was spent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Up, outside maintenance.
    pub up: SignedDuration,
    /// Down, outside maintenance.
    pub down: SignedDuration,
    /// Unknown, outside maintenance.
    pub unknown: SignedDuration,
    /// In a maintenance window, whatever the health.
    pub maintenance: SignedDuration,
}

impl Tally {
    /// Up as a share of the time with data (`up / (up + down)`); `None` without data.
    pub fn availability(&self) -> Option<f64> {
        let known = self.up + self.down;
        if known.is_zero() {
            return None;
        }
        Some(self.up.as_secs_f64() / known.as_secs_f64())
    }

    /// Up as a share of all time outside maintenance, unknown counted as not up: the figure
    /// that holds even if every unknown second had been down.
    pub fn availability_lower_bound(&self) -> Option<f64> {
        let all = self.up + self.down + self.unknown;
        if all.is_zero() {
            return None;
        }
        Some(self.up.as_secs_f64() / all.as_secs_f64())
    }
}

/// Merges spans into sorted, disjoint, non-empty ones.
pub fn merge(spans: &[Span]) -> Vec<Span> {
    let mut v: Vec<Span> = spans.iter().copied().filter(|s| !s.is_empty()).collect();
    v.sort();
    let mut out: Vec<Span> = Vec::with_capacity(v.len());
    for s in v {
        match out.last_mut() {
            Some(last) if s.from <= last.until => last.until = last.until.max(s.until),
            _ => out.push(s),
        }
    }
    out
}

/// The health at each moment of `period` (cut at `now`), as `(span, health)` pieces in order.
/// Before the first change the health is unknown; changes need not be sorted.
pub fn timeline(changes: &[HealthChange], period: Span, now: Timestamp) -> Vec<(Span, Health)> {
    let end = period.until.min(now);
    if end <= period.from {
        return Vec::new();
    }
    let mut sorted: Vec<HealthChange> = changes.to_vec();
    sorted.sort_by_key(|c| c.at);
    let mut health = Health::Unknown;
    let mut out: Vec<(Span, Health)> = Vec::new();
    let mut cursor = period.from;
    for c in &sorted {
        if c.at <= period.from {
            health = c.health;
            continue;
        }
        if c.at >= end {
            break;
        }
        push(&mut out, cursor, c.at, health);
        cursor = c.at;
        health = c.health;
    }
    push(&mut out, cursor, end, health);
    out
}

fn push(out: &mut Vec<(Span, Health)>, from: Timestamp, until: Timestamp, health: Health) {
    if until <= from {
        return;
    }
    match out.last_mut() {
        Some((s, h)) if *h == health && s.until == from => s.until = until,
        _ => out.push((Span { from, until }, health)),
    }
}

/// Tallies `period` (cut at `now`) from health changes and maintenance windows.
pub fn tally(
    changes: &[HealthChange],
    maintenance: &[Span],
    period: Span,
    now: Timestamp,
) -> Tally {
    let windows = merge(maintenance);
    let mut t = Tally::default();
    for (span, health) in timeline(changes, period, now) {
        let planned = overlap(&windows, span);
        t.maintenance += planned;
        let rest = span.len() - planned;
        match health {
            Health::Up => t.up += rest,
            Health::Down => t.down += rest,
            Health::Unknown => t.unknown += rest,
        }
    }
    t
}

/// Time of `span` covered by sorted disjoint `windows`.
fn overlap(windows: &[Span], span: Span) -> SignedDuration {
    let start = windows.partition_point(|w| w.until <= span.from);
    let mut total = SignedDuration::ZERO;
    for w in &windows[start..] {
        if w.from >= span.until {
            break;
        }
        let from = w.from.max(span.from);
        let until = w.until.min(span.until);
        if until > from {
            total += until.duration_since(from);
        }
    }
    total
}

/// A system's health from its monitors': down if any is down, else unknown if any is unknown,
/// else up (a system with no monitor is unknown).
pub fn combine(monitors: &[Vec<HealthChange>]) -> Vec<HealthChange> {
    let mut instants: Vec<Timestamp> = monitors.iter().flatten().map(|c| c.at).collect();
    instants.sort();
    instants.dedup();
    let mut sorted: Vec<Vec<HealthChange>> = monitors.to_vec();
    for m in &mut sorted {
        m.sort_by_key(|c| c.at);
    }
    let mut idx = vec![0usize; sorted.len()];
    let mut current = vec![Health::Unknown; sorted.len()];
    let mut out: Vec<HealthChange> = Vec::new();
    for at in instants {
        for (i, m) in sorted.iter().enumerate() {
            while idx[i] < m.len() && m[idx[i]].at <= at {
                current[i] = m[idx[i]].health;
                idx[i] += 1;
            }
        }
        let health = if current.contains(&Health::Down) {
            Health::Down
        } else if current.is_empty() || current.contains(&Health::Unknown) {
            Health::Unknown
        } else {
            Health::Up
        };
        if out.last().is_none_or(|c| c.health != health) {
            out.push(HealthChange { at, health });
        }
    }
    out
}

/// The guaranteed availability: 99.5 % for systems built by us, 99 % for third-party ones
/// (SPEC §6), in parts per ten thousand.
pub fn guarantee_bp(built_by_us: bool) -> u32 {
    if built_by_us { 9950 } else { 9900 }
}

/// The downtime a guarantee allows in `period` less its maintenance: `(1 - g) × time`.
pub fn allowance(guarantee_bp: u32, period: Span, maintenance: SignedDuration) -> SignedDuration {
    let counted = (period.len() - maintenance).max(SignedDuration::ZERO);
    let share = i128::from(10_000u32.saturating_sub(guarantee_bp));
    let nanos = counted.as_nanos() * share / 10_000;
    SignedDuration::from_nanos(i64::try_from(nanos).unwrap_or(i64::MAX))
}

/// A calendar period in the customer's time zone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    /// One local day.
    Day(Date),
    /// The calendar month of this date.
    Month(Date),
    /// The calendar year of this date.
    Year(Date),
}

impl Period {
    /// The instants it spans in `tz`, local midnight to local midnight.
    pub fn span(&self, tz: &TimeZone) -> Result<Span, jiff::Error> {
        let (first, next) = match *self {
            Period::Day(d) => (d, d.tomorrow()?),
            Period::Month(d) => (d.first_of_month(), d.last_of_month().tomorrow()?),
            Period::Year(d) => (d.first_of_year(), d.last_of_year().tomorrow()?),
        };
        Ok(Span {
            from: first.to_zoned(tz.clone())?.timestamp(),
            until: next.to_zoned(tz.clone())?.timestamp(),
        })
    }

    /// Its local days, in order.
    pub fn days(&self) -> Vec<Date> {
        let (first, last) = match *self {
            Period::Day(d) => (d, d),
            Period::Month(d) => (d.first_of_month(), d.last_of_month()),
            Period::Year(d) => (d.first_of_year(), d.last_of_year()),
        };
        first
            .series(jiff::ToSpan::days(1))
            .take_while(|d| *d <= last)
            .collect()
    }
}

/// A maintenance window that comes back: on these weekdays at this local time, for this long.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Recurrence {
    /// The weekdays, 1 (Monday) to 7 (Sunday).
    pub weekdays: Vec<i8>,
    /// The local start, `HH:MM`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "02:00"))]
    pub at: Time,
    /// How long it lasts, in minutes (1 to 1440).
    pub minutes: u32,
}

impl Recurrence {
    /// Checks the fields.
    pub fn validate(&self) -> Result<(), &'static str> {
        if self.weekdays.is_empty() || self.weekdays.iter().any(|d| !(1..=7).contains(d)) {
            return Err("weekdays must be 1 (Monday) to 7 (Sunday), at least one");
        }
        if !(1..=1440).contains(&self.minutes) {
            return Err("minutes must be 1 to 1440");
        }
        Ok(())
    }

    /// Its occurrences that overlap `span`, in `tz`.
    pub fn occurrences(&self, tz: &TimeZone, span: Span) -> Vec<Span> {
        let length = SignedDuration::from_mins(i64::from(self.minutes));
        let (Ok(first), Ok(last)) = (
            span.from
                .checked_sub(length)
                .map(|t| t.to_zoned(tz.clone()).date()),
            Ok::<Date, jiff::Error>(span.until.to_zoned(tz.clone()).date()),
        ) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for day in first
            .series(jiff::ToSpan::days(1))
            .take_while(|d| *d <= last)
        {
            let wd = day.weekday().to_monday_one_offset();
            if !self.weekdays.contains(&wd) {
                continue;
            }
            let Ok(start) = day.to_datetime(self.at).to_zoned(tz.clone()) else {
                continue;
            };
            let from = start.timestamp();
            let Ok(until) = from.checked_add(length) else {
                continue;
            };
            if until > span.from && from < span.until {
                out.push(Span { from, until });
            }
        }
        out
    }
}

/// The weekday numbers `Recurrence` uses, for documentation and tests.
pub fn weekday_number(w: Weekday) -> i8 {
    w.to_monday_one_offset()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: i64) -> Timestamp {
        Timestamp::from_second(1_800_000_000 + s).unwrap()
    }

    fn ch(s: i64, health: Health) -> HealthChange {
        HealthChange { at: t(s), health }
    }

    #[test]
    fn time_is_split_by_health_and_maintenance() {
        let changes = [ch(10, Health::Up), ch(50, Health::Down), ch(80, Health::Up)];
        let windows = [Span {
            from: t(60),
            until: t(70),
        }];
        let got = tally(
            &changes,
            &windows,
            Span {
                from: t(0),
                until: t(100),
            },
            t(90),
        );
        assert_eq!(got.unknown, SignedDuration::from_secs(10));
        assert_eq!(got.up, SignedDuration::from_secs(50));
        assert_eq!(got.down, SignedDuration::from_secs(20));
        assert_eq!(got.maintenance, SignedDuration::from_secs(10));
    }

    #[test]
    fn the_worst_monitor_decides() {
        let a = vec![ch(0, Health::Up), ch(10, Health::Down), ch(20, Health::Up)];
        let b = vec![ch(5, Health::Up)];
        assert_eq!(
            combine(&[a, b]),
            [
                ch(0, Health::Unknown),
                ch(5, Health::Up),
                ch(10, Health::Down),
                ch(20, Health::Up)
            ]
        );
    }

    #[test]
    fn months_are_local() {
        let tz = TimeZone::get("Europe/Kyiv").unwrap();
        let span = Period::Month(jiff::civil::date(2026, 10, 15))
            .span(&tz)
            .unwrap();
        // October 2026 has the change back from summer time: 31 days and one hour.
        assert_eq!(span.len(), SignedDuration::from_hours(31 * 24 + 1));
        assert_eq!(
            allowance(9950, span, SignedDuration::ZERO),
            SignedDuration::from_secs((31 * 24 + 1) * 3600 * 50 / 10_000)
        );
    }

    #[test]
    fn recurring_windows_fall_on_their_weekdays_in_local_time() {
        let tz = TimeZone::get("Europe/Kyiv").unwrap();
        let r = Recurrence {
            weekdays: vec![7],
            at: jiff::civil::time(2, 0, 0, 0),
            minutes: 60,
        };
        let month = Period::Month(jiff::civil::date(2026, 11, 1))
            .span(&tz)
            .unwrap();
        let got = r.occurrences(&tz, month);
        assert_eq!(got.len(), 5, "five Sundays in November 2026");
        assert_eq!(
            got[0].from,
            "2026-11-01T02:00:00+02:00".parse::<Timestamp>().unwrap()
        );
    }
}

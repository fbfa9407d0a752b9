//! Cron schedules (five fields, in a time zone) for heartbeats of jobs that run on a calendar
//! rather than every N seconds: "the backup runs at 02:30 on weekdays, Kyiv time".
//!
//! Fields: minute (0–59), hour (0–23), day of month (1–31), month (1–12), day of week (0–7,
//! both 0 and 7 Sunday). Each is `*`, a number, a range `a-b`, a list `a,b,c`, and any of those
//! with a step `/n`. As in Vixie cron, when both day fields are restricted a day matches either.
//! Local times that a DST change skips run at the first instant after the gap.

use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

/// A parsed schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cron {
    minutes: u64,
    hours: u64,
    days: u64,
    months: u64,
    weekdays: u64,
    days_restricted: bool,
    weekdays_restricted: bool,
}

/// What is wrong with a schedule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cron: {0}")]
pub struct CronError(pub String);

fn field(text: &str, min: u32, max: u32, name: &str) -> Result<(u64, bool), CronError> {
    let bad = || CronError(format!("{name} {text:?} is not valid ({min}–{max})"));
    let mut bits = 0u64;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, s.parse::<u32>().map_err(|_| bad())?),
            None => (part, 1),
        };
        if step == 0 {
            return Err(bad());
        }
        let (lo, hi) = if range == "*" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            (
                a.parse::<u32>().map_err(|_| bad())?,
                b.parse::<u32>().map_err(|_| bad())?,
            )
        } else {
            let v = range.parse::<u32>().map_err(|_| bad())?;
            // `5/15` means from 5 to the end in steps of 15.
            (v, if part.contains('/') { max } else { v })
        };
        if lo < min || hi > max || lo > hi {
            return Err(bad());
        }
        let mut v = lo;
        while v <= hi {
            bits |= 1 << v;
            v += step;
        }
    }
    Ok((bits, text != "*"))
}

impl std::str::FromStr for Cron {
    type Err = CronError;

    fn from_str(s: &str) -> Result<Cron, CronError> {
        let parts: Vec<&str> = s.split_whitespace().collect();
        let [mi, h, dom, mo, dow] = parts[..] else {
            return Err(CronError(format!(
                "{s:?} must have five fields: minute hour day-of-month month day-of-week"
            )));
        };
        let (minutes, _) = field(mi, 0, 59, "minute")?;
        let (hours, _) = field(h, 0, 23, "hour")?;
        let (days, days_restricted) = field(dom, 1, 31, "day of month")?;
        let (months, _) = field(mo, 1, 12, "month")?;
        let (mut weekdays, weekdays_restricted) = field(dow, 0, 7, "day of week")?;
        if weekdays & (1 << 7) != 0 {
            weekdays |= 1;
        }
        Ok(Cron {
            minutes,
            hours,
            days,
            months,
            weekdays,
            days_restricted,
            weekdays_restricted,
        })
    }
}

fn has(bits: u64, v: impl Into<i64>) -> bool {
    u32::try_from(v.into()).is_ok_and(|v| v < 64 && bits & (1 << v) != 0)
}

impl Cron {
    fn day_matches(&self, d: Date) -> bool {
        if !has(self.months, d.month()) {
            return false;
        }
        let dom = has(self.days, d.day());
        let dow = has(self.weekdays, d.weekday().to_sunday_zero_offset());
        match (self.days_restricted, self.weekdays_restricted) {
            (true, true) => dom || dow,
            (true, false) => dom,
            (false, true) => dow,
            (false, false) => true,
        }
    }

    /// The latest run at or before `at` in `tz`, looking back at most about four years.
    pub fn latest_at_or_before(&self, at: Timestamp, tz: &TimeZone) -> Option<Timestamp> {
        let local = at.to_zoned(tz.clone()).datetime();
        let mut day = local.date();
        let mut first = true;
        for _ in 0..(366 * 4 + 2) {
            if self.day_matches(day) {
                // The latest matching minute of this day (before `at` on its own day).
                let limit = if first {
                    local.time()
                } else {
                    Time::constant(23, 59, 0, 0)
                };
                for h in (0..=limit.hour()).rev() {
                    if !has(self.hours, h) {
                        continue;
                    }
                    let top = if first && h == limit.hour() {
                        limit.minute()
                    } else {
                        59
                    };
                    for m in (0..=top).rev() {
                        if has(self.minutes, m) {
                            let dt = DateTime::from_parts(day, Time::new(h, m, 0, 0).ok()?);
                            let t = dt.to_zoned(tz.clone()).ok()?.timestamp();
                            // A skipped local time lands after the gap, maybe after `at`.
                            if t <= at {
                                return Some(t);
                            }
                        }
                    }
                }
            }
            first = false;
            day = day.checked_sub(1.day()).ok()?;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn weekday_backups_in_kyiv() {
        let tz = TimeZone::get("Europe/Kyiv").unwrap();
        let c: Cron = "30 2 * * 1-5".parse().unwrap();
        // Monday 2026-11-23 10:00 Kyiv: today's 02:30.
        assert_eq!(
            c.latest_at_or_before(t("2026-11-23T08:00:00Z"), &tz),
            Some(t("2026-11-23T02:30:00+02:00"))
        );
        // Sunday: Friday's.
        assert_eq!(
            c.latest_at_or_before(t("2026-11-22T12:00:00Z"), &tz),
            Some(t("2026-11-20T02:30:00+02:00"))
        );
        // Exactly at a run.
        assert_eq!(
            c.latest_at_or_before(t("2026-11-20T00:30:00Z"), &tz),
            Some(t("2026-11-20T00:30:00Z"))
        );
    }

    #[test]
    fn steps_lists_and_both_day_fields() {
        let tz = TimeZone::UTC;
        let c: Cron = "*/15 * * * *".parse().unwrap();
        assert_eq!(
            c.latest_at_or_before(t("2026-11-20T10:44:59Z"), &tz),
            Some(t("2026-11-20T10:30:00Z"))
        );
        // The 1st of the month or any Sunday.
        let c: Cron = "0 0 1 * 0".parse().unwrap();
        assert_eq!(
            c.latest_at_or_before(t("2026-11-25T12:00:00Z"), &tz),
            Some(t("2026-11-22T00:00:00Z"))
        );
        for bad in [
            "* * * *",
            "60 * * * *",
            "* * 0 * *",
            "*/0 * * * *",
            "a * * * *",
        ] {
            assert!(bad.parse::<Cron>().is_err(), "{bad}");
        }
    }

    #[test]
    fn a_skipped_local_time_runs_after_the_gap() {
        let tz = TimeZone::get("Europe/Kyiv").unwrap();
        // 2026-03-29 03:00 → 04:00 in Kyiv: 03:30 does not exist that day.
        let c: Cron = "30 3 * * *".parse().unwrap();
        assert_eq!(
            c.latest_at_or_before(t("2026-03-29T02:00:00Z"), &tz),
            Some(t("2026-03-29T04:30:00+03:00"))
        );
    }
}

//! A system's availability over a day, month or year, against its guarantee.
//!
//! The arithmetic is the domain's (`tierline_domain::availability`); this gathers its inputs:
//! the system's monitors that count (TLS expiry monitors do not), their health changes, the
//! maintenance windows and the customer's time zone.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use sqlx::Row;
use tierline_domain::availability::{
    Period, Span, Tally, allowance, combine, guarantee_bp, merge, tally,
};
use tierline_domain::checks::CheckSpec;

use crate::monitors::MonitorId;
use crate::{Store, StoreError, SystemId, Viewer};

/// How a span of time was spent, in seconds.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimeSplit {
    /// Up.
    pub up_secs: i64,
    /// Down.
    pub down_secs: i64,
    /// No data (never counted as up).
    pub unknown_secs: i64,
    /// In maintenance windows (counted against nothing).
    pub maintenance_secs: i64,
    /// `up / (up + down)`; absent without data.
    pub availability: Option<f64>,
    /// `up / (up + down + unknown)`: as if every unknown second had been down.
    pub availability_lower_bound: Option<f64>,
}

fn secs(d: SignedDuration) -> i64 {
    // Whole seconds, rounded to the nearest: instants are nanoseconds, reports are seconds.
    i64::try_from((d.as_nanos() + 500_000_000).div_euclid(1_000_000_000)).unwrap_or(i64::MAX)
}

impl From<Tally> for TimeSplit {
    fn from(t: Tally) -> TimeSplit {
        TimeSplit {
            up_secs: secs(t.up),
            down_secs: secs(t.down),
            unknown_secs: secs(t.unknown),
            maintenance_secs: secs(t.maintenance),
            availability: t.availability(),
            availability_lower_bound: t.availability_lower_bound(),
        }
    }
}

/// One local day of a period.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DaySplit {
    /// The local date.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub date: jiff::civil::Date,
    /// Its time.
    #[serde(flatten)]
    pub split: TimeSplit,
}

/// A system's availability over a period.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Availability {
    /// The system.
    pub system_id: SystemId,
    /// The customer's time zone the period is read in.
    pub tz: String,
    /// The period's first instant.
    pub from: Timestamp,
    /// The instant after it.
    pub until: Timestamp,
    /// The period's time (up to now).
    #[serde(flatten)]
    pub split: TimeSplit,
    /// The guaranteed availability: 0.995 built by us, 0.99 third-party.
    pub guarantee: f64,
    /// Whether the measured availability meets it (absent without data).
    pub meets_guarantee: Option<bool>,
    /// The downtime the guarantee allows in the whole period less maintenance, in seconds.
    pub allowed_down_secs: i64,
    /// What is left of it (negative: over by that much).
    pub remaining_down_secs: i64,
    /// The same allowance over the calendar year the period ends in, in seconds.
    pub year_allowed_down_secs: i64,
    /// What is left of the year's allowance.
    pub year_remaining_down_secs: i64,
    /// Day by day, for uptime bars.
    pub days: Vec<DaySplit>,
}

impl Store {
    /// A system's availability over `period` (cut at `now`), if the viewer may see the system.
    pub async fn availability(
        &self,
        viewer: &Viewer,
        system_id: SystemId,
        period: Period,
        now: Timestamp,
    ) -> Result<Availability, StoreError> {
        let system = self.visible_system(viewer, system_id).await?;
        let tz = self.customer_tz(system.customer_id, now).await?;
        let bad = |e: jiff::Error| StoreError::invalid("at", e.to_string());
        let span = period.span(&tz).map_err(bad)?;
        let last_day = span
            .until
            .checked_sub(SignedDuration::from_nanos(1))
            .map_err(bad)?
            .to_zoned(tz.clone())
            .date();
        let year = Period::Year(last_day).span(&tz).map_err(bad)?;
        let whole = Span {
            from: span.from.min(year.from),
            until: span.until.max(year.until),
        };
        let monitors = self.counted_monitors(system_id).await?;
        let changes = combine(
            &self
                .health_changes(&monitors, whole.from, whole.until)
                .await?,
        );
        let windows = merge(&self.maintenance_spans(system_id, &tz, whole).await?);
        let g = guarantee_bp(system.built_by_us);
        let t = tally(&changes, &windows, span, now);
        let full = tally(&changes, &windows, span, span.until);
        let allowed = allowance(g, span, full.maintenance);
        let y = tally(&changes, &windows, year, now);
        let y_full = tally(&changes, &windows, year, year.until);
        let y_allowed = allowance(g, year, y_full.maintenance);
        let days = period
            .days()
            .into_iter()
            .filter_map(|d| {
                let s = Period::Day(d).span(&tz).ok()?;
                (s.from < now).then(|| DaySplit {
                    date: d,
                    split: tally(&changes, &windows, s, now).into(),
                })
            })
            .collect();
        let split = TimeSplit::from(t);
        let guarantee = f64::from(g) / 10_000.0;
        Ok(Availability {
            system_id,
            tz: tz.iana_name().unwrap_or("UTC").to_owned(),
            from: span.from,
            until: span.until,
            meets_guarantee: split.availability.map(|a| a >= guarantee),
            split,
            guarantee,
            allowed_down_secs: secs(allowed),
            remaining_down_secs: secs(allowed - t.down),
            year_allowed_down_secs: secs(y_allowed),
            year_remaining_down_secs: secs(y_allowed - y.down),
            days,
        })
    }

    /// A system's monitors whose downtime is the system's.
    async fn counted_monitors(&self, system_id: SystemId) -> Result<Vec<MonitorId>, StoreError> {
        let rows = sqlx::query("SELECT id, spec FROM monitors WHERE system_id = $1 ORDER BY id")
            .bind(system_id.0)
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::new();
        for r in &rows {
            let spec: CheckSpec = serde_json::from_str(&r.try_get::<String, _>("spec")?)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            if spec.counts_for_availability() {
                out.push(MonitorId(r.try_get("id")?));
            }
        }
        Ok(out)
    }
}

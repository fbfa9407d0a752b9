//! The health timeline (one row per confirmed change) and compact check results.
//!
//! Results are kept per monitor and hour: counts and latencies for charts, and the raw results
//! packed four bytes each (second of the hour as `u16`, then the up flag in the top bit and the
//! latency in milliseconds, capped at 32767, as `u16`, both big-endian). Runners buffer a
//! monitor's results and append them in one statement per flush; pruning drops the raw bytes
//! after the retention, folds old hours into days, and drops old days, so the database stays
//! bounded.

use jiff::Timestamp;
use sqlx::{Any, Row, Transaction};
use tierline_domain::availability::HealthChange;
use tierline_domain::monitor::Health;

use crate::monitors::MonitorId;
use crate::time::{from_db, to_db};
use crate::{Store, StoreError};

fn code(h: Health) -> i64 {
    match h {
        Health::Unknown => 0,
        Health::Up => 1,
        Health::Down => 2,
    }
}

fn health(code: i64) -> Result<Health, StoreError> {
    match code {
        0 => Ok(Health::Unknown),
        1 => Ok(Health::Up),
        2 => Ok(Health::Down),
        other => Err(StoreError::Corrupt(format!("health code {other}"))),
    }
}

/// Appends a change; a second change at the same instant replaces the first.
pub(crate) async fn insert(
    tx: &mut Transaction<'static, Any>,
    id: MonitorId,
    at: Timestamp,
    h: Health,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO monitor_changes (monitor_id, at, health) VALUES ($1, $2, $3) \
         ON CONFLICT (monitor_id, at) DO UPDATE SET health = excluded.health",
    )
    .bind(id.0)
    .bind(to_db(at))
    .bind(code(h))
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One monitor's results of one hour, ready to append.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HourResults {
    /// The monitor.
    pub monitor_id: i64,
    /// Hours since the Unix epoch.
    pub hour: i64,
    /// Checks.
    pub checks: i64,
    /// Failed checks.
    pub failures: i64,
    /// Sum of latencies, ms.
    pub latency_ms_sum: i64,
    /// Largest latency, ms.
    pub latency_ms_max: i64,
    /// Packed results, four bytes each.
    pub samples: Vec<u8>,
}

impl HourResults {
    /// Adds one result.
    pub fn push(&mut self, second_of_hour: u16, up: bool, latency_ms: u32) {
        let ms = u16::try_from(latency_ms.min(0x7fff)).unwrap_or(0x7fff);
        let word = if up { 0x8000 | ms } else { ms };
        self.samples
            .extend_from_slice(&second_of_hour.to_be_bytes());
        self.samples.extend_from_slice(&word.to_be_bytes());
        self.checks += 1;
        self.failures += i64::from(!up);
        self.latency_ms_sum += i64::from(ms);
        self.latency_ms_max = self.latency_ms_max.max(i64::from(ms));
    }
}

/// Unpacks stored results: (second of the hour, up, latency ms).
pub fn unpack(samples: &[u8]) -> Vec<(u16, bool, u16)> {
    samples
        .chunks_exact(4)
        .map(|c| {
            let s = u16::from_be_bytes([c[0], c[1]]);
            let w = u16::from_be_bytes([c[2], c[3]]);
            (s, w & 0x8000 != 0, w & 0x7fff)
        })
        .collect()
}

/// How long results are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retention {
    /// Days of raw results.
    pub raw_days: i64,
    /// Days of per-hour counts (then folded into days).
    pub hour_days: i64,
    /// Days of per-day counts.
    pub day_days: i64,
}

impl Default for Retention {
    fn default() -> Retention {
        Retention {
            raw_days: 14,
            hour_days: 90,
            day_days: 3 * 366,
        }
    }
}

impl Store {
    /// Appends buffered results, all in one transaction.
    pub async fn append_results(&self, batch: &[HourResults]) -> Result<(), StoreError> {
        if batch.is_empty() {
            return Ok(());
        }
        let concat = self
            .dialect()
            .concat_blobs("monitor_hours.samples", "excluded.samples");
        let sql = format!(
            "INSERT INTO monitor_hours (monitor_id, hour, checks, failures, latency_ms_sum, latency_ms_max, samples) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (hour, monitor_id) DO UPDATE SET \
             checks = monitor_hours.checks + excluded.checks, failures = monitor_hours.failures + excluded.failures, \
             latency_ms_sum = monitor_hours.latency_ms_sum + excluded.latency_ms_sum, \
             latency_ms_max = CASE WHEN excluded.latency_ms_max > monitor_hours.latency_ms_max \
               THEN excluded.latency_ms_max ELSE monitor_hours.latency_ms_max END, \
             samples = {concat}"
        );
        let mut tx = self.begin_write().await?;
        for r in batch {
            sqlx::query(crate::own_sql(sql.clone()))
                .bind(r.monitor_id)
                .bind(r.hour)
                .bind(r.checks)
                .bind(r.failures)
                .bind(r.latency_ms_sum)
                .bind(r.latency_ms_max)
                .bind(r.samples.clone())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// A monitor's stored results of one hour: counts and the raw results, if still kept.
    pub async fn hour_results(
        &self,
        monitor_id: MonitorId,
        hour: i64,
    ) -> Result<Option<HourResults>, StoreError> {
        let row = sqlx::query(
            "SELECT checks, failures, latency_ms_sum, latency_ms_max, samples FROM monitor_hours WHERE monitor_id = $1 AND hour = $2",
        )
        .bind(monitor_id.0)
        .bind(hour)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(HourResults {
                monitor_id: monitor_id.0,
                hour,
                checks: r.try_get("checks")?,
                failures: r.try_get("failures")?,
                latency_ms_sum: r.try_get("latency_ms_sum")?,
                latency_ms_max: r.try_get("latency_ms_max")?,
                samples: r
                    .try_get::<Option<Vec<u8>>, _>("samples")?
                    .unwrap_or_default(),
            })
        })
        .transpose()
    }

    /// Drops raw results past the retention, folds old hours into days and drops old days.
    /// `since`: the previous pruning, if there was one in this process; only the hours that
    /// aged out after it are visited then (a full sweep otherwise, as after a start). Rows are
    /// keyed by time first, so each step is a range at the start of its table.
    pub async fn prune_results(
        &self,
        now: Timestamp,
        keep: Retention,
        since: Option<Timestamp>,
    ) -> Result<(), StoreError> {
        let hour_now = now.as_second().div_euclid(3600);
        let raw_before = hour_now - keep.raw_days * 24;
        // Two hours of margin, so a pruning that ran late misses nothing.
        let raw_from = since.map_or(i64::MIN, |s| {
            s.as_second().div_euclid(3600) - keep.raw_days * 24 - 2
        });
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE monitor_hours SET samples = NULL WHERE hour >= $1 AND hour < $2 AND samples IS NOT NULL",
        )
        .bind(raw_from)
        .bind(raw_before)
        .execute(&mut *tx)
        .await?;
        let fold_before = (hour_now - keep.hour_days * 24).div_euclid(24) * 24;
        sqlx::query(
            "INSERT INTO monitor_days (monitor_id, day, checks, failures, latency_ms_sum, latency_ms_max) \
             SELECT monitor_id, hour / 24, SUM(checks), SUM(failures), SUM(latency_ms_sum), MAX(latency_ms_max) \
             FROM monitor_hours WHERE hour < $1 GROUP BY monitor_id, hour / 24 \
             ON CONFLICT (day, monitor_id) DO UPDATE SET checks = monitor_days.checks + excluded.checks, \
             failures = monitor_days.failures + excluded.failures, latency_ms_sum = monitor_days.latency_ms_sum + excluded.latency_ms_sum, \
             latency_ms_max = CASE WHEN excluded.latency_ms_max > monitor_days.latency_ms_max THEN excluded.latency_ms_max ELSE monitor_days.latency_ms_max END",
        )
        .bind(fold_before)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM monitor_hours WHERE hour < $1")
            .bind(fold_before)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM monitor_days WHERE day < $1")
            .bind(hour_now.div_euclid(24) - keep.day_days)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Health changes of monitors within `[from, until)`, with the last one before `from` (the
    /// health at the start), per monitor in the order given.
    pub(crate) async fn health_changes(
        &self,
        monitors: &[MonitorId],
        from: Timestamp,
        until: Timestamp,
    ) -> Result<Vec<Vec<HealthChange>>, StoreError> {
        let mut out = Vec::with_capacity(monitors.len());
        for id in monitors {
            let rows = sqlx::query(
                "SELECT at, health FROM (SELECT at, health FROM monitor_changes WHERE monitor_id = $1 AND at < $2 ORDER BY at DESC LIMIT 1) AS before_start \
                 UNION ALL SELECT at, health FROM monitor_changes WHERE monitor_id = $1 AND at >= $2 AND at < $3 ORDER BY at",
            )
            .bind(id.0)
            .bind(to_db(from))
            .bind(to_db(until))
            .fetch_all(&self.pool)
            .await?;
            out.push(
                rows.iter()
                    .map(|r| {
                        Ok(HealthChange {
                            at: from_db(r.try_get("at")?)?,
                            health: health(r.try_get("health")?)?,
                        })
                    })
                    .collect::<Result<Vec<_>, StoreError>>()?,
            );
        }
        Ok(out)
    }

    /// Bytes the monitoring tables take, where the backend can say (PostgreSQL, and SQLite with
    /// the `dbstat` table); for the benchmark's bytes per check.
    pub async fn monitoring_bytes(&self) -> Result<Option<i64>, StoreError> {
        let sql = self.dialect().monitoring_bytes();
        match sqlx::query(sql).fetch_one(&self.pool).await {
            Ok(row) => Ok(row.try_get("bytes")?),
            Err(_) => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_pack_into_four_bytes() {
        let mut h = HourResults::default();
        h.push(3599, true, 12);
        h.push(0, false, 99_999);
        assert_eq!(h.samples.len(), 8);
        assert_eq!(unpack(&h.samples), [(3599, true, 12), (0, false, 0x7fff)]);
        assert_eq!((h.checks, h.failures, h.latency_ms_max), (2, 1, 0x7fff));
    }
}

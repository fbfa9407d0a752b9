//! The state machine's memory and the results it is fed: trackers, heartbeats, trust.

use jiff::{SignedDuration, Timestamp};
use sqlx::Row;
use tierline_domain::monitor::{Health, Tracker};

use super::MonitorId;
use crate::time::to_db;
use crate::{Store, StoreError, secrets};

pub(crate) fn recent_text(t: &Tracker) -> String {
    t.recent
        .iter()
        .map(|&at| to_db(at).to_string())
        .collect::<Vec<_>>()
        .join(",")
}

impl Store {
    /// Saves the state machine after a check that confirmed nothing, and asks for a retry at
    /// `retry_at` (earlier than the next slot) while a failure is being confirmed.
    pub async fn save_tracker(
        &self,
        id: MonitorId,
        tracker: &Tracker,
        message: Option<&str>,
        retry_at: Option<Timestamp>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE monitors SET health = $1, failures = $2, first_failure_at = $3, recent_changes = $4, last_message = $5, \
             next_run_at = CASE WHEN $6 < next_run_at THEN $6 ELSE next_run_at END WHERE id = $7",
        )
        .bind(tracker.health.as_str())
        .bind(i64::from(tracker.failures))
        .bind(tracker.first_failure.map(to_db))
        .bind(recent_text(tracker))
        .bind(message)
        .bind(retry_at.map_or(i64::MAX, to_db))
        .bind(id.0)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a heartbeat call; `NotFound` for an unknown secret.
    pub async fn heartbeat(&self, secret: &str, now: Timestamp) -> Result<MonitorId, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "UPDATE monitors SET last_ping_at = $1 WHERE heartbeat_digest = $2 AND kind = 'heartbeat' RETURNING id",
        )
        .bind(to_db(now))
        .bind(secrets::token_digest(secret))
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        tx.commit().await?;
        Ok(MonitorId(row.try_get("id")?))
    }
}

/// Marks a monitor's health unknown from `at` (paused, or its checks stopped).
pub(crate) async fn lose_track(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: MonitorId,
    at: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE monitors SET health = 'unknown', failures = 0, first_failure_at = NULL WHERE id = $1",
    )
    .bind(id.0)
    .execute(&mut **tx)
    .await?;
    crate::monitor_changes::insert(tx, id, at, Health::Unknown).await
}

/// How long a check result is trusted: one interval and a grace of half of one (at least 5 s)
/// after the check that gave it. Past that, with no newer check, nothing is known.
pub fn trusted_for(interval_secs: u32) -> SignedDuration {
    let i = i64::from(interval_secs);
    SignedDuration::from_secs(i + (i / 2).max(5))
}

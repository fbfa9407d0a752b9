//! The schedule: each monitor's phase and slots, and claiming what is due.

use jiff::Timestamp;
use sqlx::Row;
use sqlx::any::AnyRow;
use tierline_domain::Class;
use tierline_domain::checks::CheckSpec;
use tierline_domain::monitor::{Damping, Health, Tracker};

use super::{MonitorId, corrupt, u32_of};
use crate::time::{from_db, opt_from_db, to_db};
use crate::{CustomerId, Store, StoreError, SystemId, TicketId, own_sql};

/// A monitor's fixed offset within its interval: a hash of its id (SplitMix64), so neighbours
/// land far apart and the phase survives restarts and moves between nodes.
pub fn phase_ns(id: MonitorId, interval_secs: i64) -> i64 {
    let mut z = u64::from_ne_bytes(id.0.to_ne_bytes()).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    let interval_ns = u64::try_from(interval_secs.max(1)).unwrap_or(1) * 1_000_000_000;
    i64::try_from(z % interval_ns).unwrap_or(0)
}

/// The first slot of a monitor strictly after `now`.
pub fn next_slot(now: i64, phase: i64, interval_ns: i64) -> i64 {
    now - (now - phase).rem_euclid(interval_ns) + interval_ns
}

/// A monitor claimed for a run: what the runner needs, read in the claiming statement.
#[derive(Clone, Debug, PartialEq)]
pub struct DueMonitor {
    /// Its id.
    pub id: MonitorId,
    /// The system.
    pub system_id: SystemId,
    /// Whose.
    pub customer_id: CustomerId,
    /// Its name.
    pub name: String,
    /// What to check.
    pub check: CheckSpec,
    /// Seconds between checks.
    pub interval_secs: u32,
    /// How long a check may take.
    pub timeout: std::time::Duration,
    /// Seconds between retries.
    pub retry_interval_secs: u32,
    /// The class of the incident it opens.
    pub incident_class: Class,
    /// Whether recovery resolves the incident.
    pub auto_resolve: bool,
    /// Whether an administrator allowed its target's host to be a private address.
    pub allow_private_targets: bool,
    /// The state machine's settings.
    pub damping: Damping,
    /// The state machine's memory.
    pub tracker: Tracker,
    /// The incident of the outage in progress.
    pub incident_ticket_id: Option<TicketId>,
    /// The run before this one, if any.
    pub previous_run_at: Option<Timestamp>,
    /// Heartbeats: the last call.
    pub last_ping_at: Option<Timestamp>,
    /// When it was created.
    pub created_at: Timestamp,
}

const DUE_COLUMNS: &str = "id, system_id, customer_id, name, spec, interval_secs, timeout_ms, retries, retry_interval_secs, \
    incident_class, auto_resolve, allow_private_targets, health, failures, first_failure_at, recent_changes, incident_ticket_id, prev_run_at, last_ping_at, created_at";

fn due(r: &AnyRow) -> Result<DueMonitor, StoreError> {
    let spec: String = r.try_get("spec")?;
    let health: String = r.try_get("health")?;
    let recent: String = r.try_get("recent_changes")?;
    let interval_secs = u32_of(r, "interval_secs")?;
    Ok(DueMonitor {
        id: MonitorId(r.try_get("id")?),
        system_id: SystemId(r.try_get("system_id")?),
        customer_id: CustomerId(r.try_get("customer_id")?),
        name: r.try_get("name")?,
        check: serde_json::from_str(&spec).map_err(corrupt)?,
        interval_secs,
        timeout: std::time::Duration::from_millis(u64::from(u32_of(r, "timeout_ms")?)),
        retry_interval_secs: u32_of(r, "retry_interval_secs")?,
        incident_class: Class::try_from(r.try_get::<i64, _>("incident_class")?).map_err(corrupt)?,
        auto_resolve: r.try_get::<i64, _>("auto_resolve")? != 0,
        allow_private_targets: r.try_get::<i64, _>("allow_private_targets")? != 0,
        damping: Damping {
            retries: u32_of(r, "retries")?,
            ..Damping::default()
        },
        tracker: Tracker {
            health: Health::parse(&health).ok_or_else(|| corrupt("health"))?,
            failures: u32_of(r, "failures")?,
            first_failure: opt_from_db(r.try_get("first_failure_at")?)?,
            recent: recent
                .split(',')
                .filter(|s| !s.is_empty())
                .map(|s| s.parse::<i64>().map_err(corrupt).and_then(from_db))
                .collect::<Result<_, _>>()?,
        },
        incident_ticket_id: r
            .try_get::<Option<i64>, _>("incident_ticket_id")?
            .map(TicketId),
        previous_run_at: opt_from_db(r.try_get("prev_run_at")?)?,
        last_ping_at: opt_from_db(r.try_get("last_ping_at")?)?,
        created_at: from_db(r.try_get("created_at")?)?,
    })
}

impl Store {
    /// Claims up to `limit` monitors due at `now` and moves each to its next slot, so no other
    /// runner takes the same slot. A monitor whose slots were missed (every node down) runs once
    /// and skips to the next slot after `now`.
    pub async fn claim_due_monitors(
        &self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<DueMonitor>, StoreError> {
        let skip_locked = self.dialect().for_update_skip_locked();
        let sql = format!(
            "UPDATE monitors SET \
               next_run_at = $1 - (($1 - phase_ns) % (interval_secs * 1000000000)) + interval_secs * 1000000000, \
               prev_run_at = last_run_at, last_run_at = $1 \
             WHERE id IN (SELECT id FROM monitors WHERE enabled = 1 AND next_run_at <= $1 ORDER BY next_run_at LIMIT $2{skip_locked}) \
               AND next_run_at <= $1 \
             RETURNING {DUE_COLUMNS}"
        );
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query(own_sql(sql))
            .bind(to_db(now))
            .bind(limit)
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        rows.iter().map(due).collect()
    }

    /// The nearest slot of any enabled monitor.
    pub async fn next_monitor_run(&self) -> Result<Option<Timestamp>, StoreError> {
        let row = sqlx::query("SELECT MIN(next_run_at) AS next FROM monitors WHERE enabled = 1")
            .fetch_one(&self.pool)
            .await?;
        opt_from_db(row.try_get("next")?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phases_spread_and_slots_follow_them() {
        let iv = 60 * 1_000_000_000i64;
        let mut buckets = [0u32; 60];
        for id in 1..=6000 {
            let p = phase_ns(MonitorId(id), 60);
            assert!((0..iv).contains(&p));
            buckets[usize::try_from(p / 1_000_000_000).unwrap()] += 1;
        }
        assert!(
            buckets.iter().all(|&n| (60..=140).contains(&n)),
            "{buckets:?}"
        );
        let phase = 7_000_000_000;
        assert_eq!(next_slot(100 * 1_000_000_000, phase, iv), 127_000_000_000);
        assert_eq!(next_slot(127 * 1_000_000_000, phase, iv), 187_000_000_000);
    }
}

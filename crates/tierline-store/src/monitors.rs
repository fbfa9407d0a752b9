//! Monitors of customers' systems: their definitions, their schedule and their state.
//!
//! Scheduling is a column: each monitor has a fixed phase within its interval (from a hash of
//! its id, so ten thousand monitors at 60 s spread evenly instead of firing together), and
//! `next_run_at`, the next slot. A runner claims what is due with one conditional update that
//! moves the slot forward; on PostgreSQL several nodes claim with `FOR UPDATE SKIP LOCKED`, so
//! each slot runs on one node. The state machine's memory (`Tracker`) is written only when it
//! changes: a monitor that stays up costs no write per check.

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;
use tierline_domain::Class;
use tierline_domain::checks::CheckSpec;
use tierline_domain::monitor::{Damping, Health, Tracker};
use tierline_domain::reach::{self, AllowanceError};

use crate::customers::non_empty;
use crate::time::{from_db, opt_from_db, to_db};
use crate::{
    CustomerId, Role, Store, StoreError, SystemId, TicketId, Viewer, audit, own_sql, secrets,
};

/// A monitor's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = i64))]
pub struct MonitorId(pub i64);

impl std::fmt::Display for MonitorId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A monitor as shown.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Monitor {
    /// Its id.
    pub id: MonitorId,
    /// The system it watches.
    pub system_id: SystemId,
    /// Whose system.
    pub customer_id: CustomerId,
    /// Its name.
    pub name: String,
    /// What it checks.
    pub check: CheckSpec,
    /// Seconds between checks.
    pub interval_secs: u32,
    /// Milliseconds a check may take.
    pub timeout_ms: u32,
    /// Failed checks tolerated before down.
    pub retries: u32,
    /// Seconds between checks while a failure is being confirmed.
    pub retry_interval_secs: u32,
    /// The class of the incident it opens.
    pub incident_class: Class,
    /// Whether recovery resolves the incident (otherwise closing it is an agent's decision).
    pub auto_resolve: bool,
    /// Whether it runs.
    pub enabled: bool,
    /// Whether an administrator allowed its target to be a private address (loopback,
    /// link-local, the private ranges); without it a check reaches public addresses only.
    pub allow_private_targets: bool,
    /// Its confirmed health.
    pub health: Health,
    /// Why the last check failed, if it did.
    pub last_message: Option<String>,
    /// When its last check ran.
    pub last_run_at: Option<Timestamp>,
    /// Heartbeat monitors: the last call.
    pub last_ping_at: Option<Timestamp>,
    /// The incident of the outage in progress.
    pub incident_ticket_id: Option<TicketId>,
    /// When it was created.
    pub created_at: Timestamp,
}

/// A monitor created, with its heartbeat secret shown this once.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedMonitor {
    /// The monitor.
    #[serde(flatten)]
    pub monitor: Monitor,
    /// Heartbeat monitors: the secret of `/api/v1/heartbeat/{secret}`; only its digest is kept.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heartbeat_secret: Option<String>,
}

/// A monitor's settings; what is left out takes its default.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonitorSettings {
    /// Its name.
    pub name: String,
    /// What it checks.
    pub check: CheckSpec,
    /// Seconds between checks, 10 to 86400 (60).
    #[serde(default)]
    pub interval_secs: Option<u32>,
    /// Milliseconds a check may take, 100 to 60000 and at most the interval (10000).
    #[serde(default)]
    pub timeout_ms: Option<u32>,
    /// Failed checks tolerated before down, 0 to 10 (2; 0 for heartbeats).
    #[serde(default)]
    pub retries: Option<u32>,
    /// Seconds between checks while confirming a failure (20, at most the interval).
    #[serde(default)]
    pub retry_interval_secs: Option<u32>,
    /// The incident's class, 2 to 6 (3 for HTTP and TLS, 2 for TCP and heartbeats).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<u8>))]
    pub incident_class: Option<Class>,
    /// Whether recovery resolves the incident (false).
    #[serde(default)]
    pub auto_resolve: bool,
    /// Whether it runs (true).
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Administrators only: let the check reach private addresses (loopback, link-local, the
    /// private ranges) at this monitor's own host. Left out, an allowance already given stays
    /// while the target's host and port stay; a new target clears it unless an administrator
    /// sets it again in the same request. Agents may clear it, never set it (403).
    #[serde(default)]
    pub allow_private_targets: Option<bool>,
}

fn yes() -> bool {
    true
}

/// Settings checked and with their defaults filled in.
struct Settled {
    name: String,
    spec: CheckSpec,
    interval: i64,
    timeout_ms: i64,
    retries: i64,
    retry_interval: i64,
    class: Class,
    auto_resolve: bool,
    enabled: bool,
    allow_private: Option<bool>,
}

fn settle(s: MonitorSettings) -> Result<Settled, StoreError> {
    let name = non_empty("name", &s.name, 200)?;
    s.check
        .validate()
        .map_err(|e| StoreError::invalid("check", e.to_string()))?;
    let heartbeat = matches!(s.check, CheckSpec::Heartbeat { .. });
    let interval = i64::from(s.interval_secs.unwrap_or(60));
    if !(10..=86_400).contains(&interval) {
        return Err(StoreError::invalid(
            "interval_secs",
            "must be 10 to 86400 seconds",
        ));
    }
    let timeout_ms = i64::from(s.timeout_ms.unwrap_or(10_000)).min(interval * 1000);
    if !(100..=60_000).contains(&timeout_ms) {
        return Err(StoreError::invalid(
            "timeout_ms",
            "must be 100 to 60000 milliseconds",
        ));
    }
    let retries = i64::from(s.retries.unwrap_or(if heartbeat { 0 } else { 2 }));
    if retries > 10 {
        return Err(StoreError::invalid("retries", "must be 0 to 10"));
    }
    let retry_interval = i64::from(s.retry_interval_secs.unwrap_or(20)).min(interval);
    if retry_interval < 5 {
        return Err(StoreError::invalid(
            "retry_interval_secs",
            "must be at least 5 seconds",
        ));
    }
    let class = s.incident_class.unwrap_or_else(|| s.check.default_class());
    if class.number() < 2 {
        return Err(StoreError::invalid(
            "incident_class",
            "must be 2 to 6: class 1 is outside every SLA",
        ));
    }
    Ok(Settled {
        name,
        spec: s.check,
        interval,
        timeout_ms,
        retries,
        retry_interval,
        class,
        auto_resolve: s.auto_resolve,
        enabled: s.enabled,
        allow_private: s.allow_private_targets,
    })
}

/// Whether the settled monitor may reach private addresses, given who changes it and what it
/// was (`tierline_domain::reach::allowance`); a literal private address without the allowance
/// is refused here, before any check runs.
fn private_allowance(
    viewer: &Viewer,
    s: &Settled,
    before: Option<&Monitor>,
) -> Result<bool, StoreError> {
    let target = s.spec.target();
    let old_target = before.and_then(|m| m.check.target());
    let allowed = reach::allowance(
        viewer.role == Role::Admin,
        s.allow_private,
        before.map(|m| (m.allow_private_targets, old_target.as_ref())),
        target.as_ref(),
    )
    .map_err(|e| match e {
        AllowanceError::AdminOnly => StoreError::Forbidden(
            "only administrators may allow a monitor to reach private addresses",
        ),
        AllowanceError::NotApplicable => {
            StoreError::invalid("allow_private_targets", e.to_string())
        }
    })?;
    if !allowed && let Some(class) = s.spec.literal_refusal() {
        return Err(StoreError::invalid(
            "check",
            format!(
                "{}; an administrator can allow this monitor to reach private addresses",
                class.refusal()
            ),
        ));
    }
    Ok(allowed)
}

pub(crate) const COLUMNS: &str = "id, system_id, customer_id, name, spec, interval_secs, timeout_ms, retries, retry_interval_secs, \
    incident_class, auto_resolve, enabled, allow_private_targets, health, last_message, last_run_at, last_ping_at, incident_ticket_id, created_at";

fn corrupt(what: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(what.to_string())
}

fn u32_of(r: &AnyRow, col: &str) -> Result<u32, StoreError> {
    u32::try_from(r.try_get::<i64, _>(col)?).map_err(corrupt)
}

fn monitor(r: &AnyRow) -> Result<Monitor, StoreError> {
    let spec: String = r.try_get("spec")?;
    let health: String = r.try_get("health")?;
    Ok(Monitor {
        id: MonitorId(r.try_get("id")?),
        system_id: SystemId(r.try_get("system_id")?),
        customer_id: CustomerId(r.try_get("customer_id")?),
        name: r.try_get("name")?,
        check: serde_json::from_str(&spec).map_err(corrupt)?,
        interval_secs: u32_of(r, "interval_secs")?,
        timeout_ms: u32_of(r, "timeout_ms")?,
        retries: u32_of(r, "retries")?,
        retry_interval_secs: u32_of(r, "retry_interval_secs")?,
        incident_class: Class::try_from(r.try_get::<i64, _>("incident_class")?).map_err(corrupt)?,
        auto_resolve: r.try_get::<i64, _>("auto_resolve")? != 0,
        enabled: r.try_get::<i64, _>("enabled")? != 0,
        allow_private_targets: r.try_get::<i64, _>("allow_private_targets")? != 0,
        health: Health::parse(&health).ok_or_else(|| corrupt("health"))?,
        last_message: r.try_get("last_message")?,
        last_run_at: opt_from_db(r.try_get("last_run_at")?)?,
        last_ping_at: opt_from_db(r.try_get("last_ping_at")?)?,
        incident_ticket_id: r
            .try_get::<Option<i64>, _>("incident_ticket_id")?
            .map(TicketId),
        created_at: from_db(r.try_get("created_at")?)?,
    })
}

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

pub(crate) fn recent_text(t: &Tracker) -> String {
    t.recent
        .iter()
        .map(|&at| to_db(at).to_string())
        .collect::<Vec<_>>()
        .join(",")
}

impl Store {
    /// Adds a monitor to a system (staff).
    pub async fn create_monitor(
        &self,
        viewer: &Viewer,
        system_id: SystemId,
        settings: MonitorSettings,
        now: Timestamp,
    ) -> Result<CreatedMonitor, StoreError> {
        viewer.require_staff()?;
        let s = settle(settings)?;
        let allow_private = private_allowance(viewer, &s, None)?;
        let system = self
            .system_of(system_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let (secret, digest) = match s.spec {
            CheckSpec::Heartbeat { .. } => {
                // As random as an API token, with a prefix of its own: it is a URL, not a login.
                let (token, _) = secrets::new_token();
                let secret = format!("hb_{}", token.trim_start_matches(secrets::TOKEN_PREFIX));
                let digest = secrets::token_digest(&secret);
                (Some(secret), Some(digest))
            }
            _ => (None, None),
        };
        let spec = serde_json::to_string(&s.spec).map_err(corrupt)?;
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(own_sql(format!(
            "INSERT INTO monitors (system_id, customer_id, name, kind, spec, interval_secs, timeout_ms, retries, retry_interval_secs, \
             incident_class, auto_resolve, enabled, heartbeat_digest, next_run_at, created_at, updated_at, allow_private_targets) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16) RETURNING {COLUMNS}"
        )))
        .bind(system_id.0)
        .bind(system.customer_id.0)
        .bind(&s.name)
        .bind(s.spec.kind())
        .bind(&spec)
        .bind(s.interval)
        .bind(s.timeout_ms)
        .bind(s.retries)
        .bind(s.retry_interval)
        .bind(i64::from(s.class.number()))
        .bind(i64::from(s.auto_resolve))
        .bind(i64::from(s.enabled))
        .bind(digest)
        .bind(i64::MAX)
        .bind(to_db(now))
        .bind(i64::from(allow_private))
        .fetch_one(&mut *tx)
        .await?;
        let m = monitor(&row)?;
        let phase = phase_ns(m.id, s.interval);
        sqlx::query("UPDATE monitors SET phase_ns = $1, next_run_at = $2 WHERE id = $3")
            .bind(phase)
            .bind(next_slot(to_db(now), phase, s.interval * 1_000_000_000))
            .bind(m.id.0)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            now,
            Some(viewer.user_id),
            "monitor.create",
            &format!("monitor:{}", m.id),
            &json!({"system_id": system_id, "kind": s.spec.kind(), "allow_private_targets": allow_private}),
        )
        .await?;
        tx.commit().await?;
        Ok(CreatedMonitor {
            monitor: m,
            heartbeat_secret: secret,
        })
    }

    /// Changes a monitor's settings (staff). Its kind stays; disabling it makes its health
    /// unknown from now, and enabling it starts afresh. An allowance to reach private addresses
    /// stays only while the target does (`tierline_domain::reach::allowance`).
    pub async fn update_monitor(
        &self,
        viewer: &Viewer,
        id: MonitorId,
        settings: MonitorSettings,
        now: Timestamp,
    ) -> Result<Monitor, StoreError> {
        viewer.require_staff()?;
        let s = settle(settings)?;
        let old = self.monitor(viewer, id).await?;
        if old.check.kind() != s.spec.kind() {
            return Err(StoreError::invalid(
                "check",
                "the kind of a monitor cannot change; add another monitor",
            ));
        }
        let allow_private = private_allowance(viewer, &s, Some(&old))?;
        let spec = serde_json::to_string(&s.spec).map_err(corrupt)?;
        let phase = phase_ns(id, s.interval);
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(own_sql(format!(
            "UPDATE monitors SET name = $1, spec = $2, interval_secs = $3, timeout_ms = $4, retries = $5, retry_interval_secs = $6, \
             incident_class = $7, auto_resolve = $8, enabled = $9, phase_ns = $10, next_run_at = $11, updated_at = $12, \
             allow_private_targets = $14 WHERE id = $13 RETURNING {COLUMNS}"
        )))
        .bind(&s.name)
        .bind(&spec)
        .bind(s.interval)
        .bind(s.timeout_ms)
        .bind(s.retries)
        .bind(s.retry_interval)
        .bind(i64::from(s.class.number()))
        .bind(i64::from(s.auto_resolve))
        .bind(i64::from(s.enabled))
        .bind(phase)
        .bind(next_slot(to_db(now), phase, s.interval * 1_000_000_000))
        .bind(to_db(now))
        .bind(id.0)
        .bind(i64::from(allow_private))
        .fetch_one(&mut *tx)
        .await?;
        if old.enabled && !s.enabled {
            lose_track(&mut tx, id, now).await?;
        }
        audit::record(
            &mut tx,
            now,
            Some(viewer.user_id),
            "monitor.update",
            &format!("monitor:{id}"),
            &json!({"enabled": s.enabled, "allow_private_targets": allow_private}),
        )
        .await?;
        tx.commit().await?;
        monitor(&row)
    }

    /// Allows a monitor's target to be a private address, or withdraws that (administrators).
    pub async fn set_monitor_private_targets(
        &self,
        viewer: &Viewer,
        id: MonitorId,
        allow: bool,
        now: Timestamp,
    ) -> Result<Monitor, StoreError> {
        viewer.require_admin()?;
        let old = self.monitor(viewer, id).await?;
        if allow && old.check.target().is_none() {
            return Err(StoreError::invalid(
                "allow_private_targets",
                AllowanceError::NotApplicable.to_string(),
            ));
        }
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(own_sql(format!(
            "UPDATE monitors SET allow_private_targets = $1, updated_at = $2 WHERE id = $3 RETURNING {COLUMNS}"
        )))
        .bind(i64::from(allow))
        .bind(to_db(now))
        .bind(id.0)
        .fetch_one(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            now,
            Some(viewer.user_id),
            "monitor.private_targets",
            &format!("monitor:{id}"),
            &json!({"allow_private_targets": allow}),
        )
        .await?;
        tx.commit().await?;
        monitor(&row)
    }

    /// One monitor, if the viewer may see its system.
    pub async fn monitor(&self, viewer: &Viewer, id: MonitorId) -> Result<Monitor, StoreError> {
        let row = sqlx::query(own_sql(format!(
            "SELECT {COLUMNS} FROM monitors WHERE id = $1"
        )))
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let m = monitor(&row)?;
        match viewer.confined_to() {
            Some(c) if c != m.customer_id => Err(StoreError::NotFound),
            _ => Ok(m),
        }
    }

    /// A system's monitors, if the viewer may see the system.
    pub async fn monitors(
        &self,
        viewer: &Viewer,
        system_id: SystemId,
    ) -> Result<Vec<Monitor>, StoreError> {
        self.visible_system(viewer, system_id).await?;
        let rows = sqlx::query(own_sql(format!(
            "SELECT {COLUMNS} FROM monitors WHERE system_id = $1 ORDER BY id"
        )))
        .bind(system_id.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(monitor).collect()
    }

    /// The system, if the viewer may see it.
    pub async fn visible_system(
        &self,
        viewer: &Viewer,
        system_id: SystemId,
    ) -> Result<crate::System, StoreError> {
        let s = self
            .system_of(system_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        match viewer.confined_to() {
            Some(c) if c != s.customer_id => Err(StoreError::NotFound),
            _ => Ok(s),
        }
    }

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

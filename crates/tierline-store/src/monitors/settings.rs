//! A monitor's settings: checking them, filling in defaults, and creating and changing monitors.

use jiff::Timestamp;
use serde::Deserialize;
use serde_json::json;
use tierline_domain::Class;
use tierline_domain::checks::CheckSpec;
use tierline_domain::reach::{self, AllowanceError};

use super::schedule::{next_slot, phase_ns};
use super::{COLUMNS, CreatedMonitor, Monitor, MonitorId, corrupt, lose_track, monitor};
use crate::customers::non_empty;
use crate::time::to_db;
use crate::{Role, Store, StoreError, SystemId, Viewer, audit, own_sql, secrets};

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
}

//! Monitors of customers' systems: their definitions, their schedule and their state.
//!
//! Scheduling is a column: each monitor has a fixed phase within its interval (from a hash of
//! its id, so ten thousand monitors at 60 s spread evenly instead of firing together), and
//! `next_run_at`, the next slot. A runner claims what is due with one conditional update that
//! moves the slot forward; on PostgreSQL several nodes claim with `FOR UPDATE SKIP LOCKED`, so
//! each slot runs on one node. The state machine's memory (`Tracker`) is written only when it
//! changes: a monitor that stays up costs no write per check.

mod schedule;
mod settings;
mod state;

pub use schedule::{DueMonitor, next_slot, phase_ns};
pub use settings::MonitorSettings;
pub use state::trusted_for;
pub(crate) use state::{lose_track, recent_text};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;
use tierline_domain::Class;
use tierline_domain::checks::CheckSpec;
use tierline_domain::monitor::Health;

use crate::time::{from_db, opt_from_db};
use crate::{CustomerId, Store, StoreError, SystemId, TicketId, Viewer, own_sql};

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

impl Store {
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
}

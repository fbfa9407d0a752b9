//! Incidents found by monitoring: a confirmed down opens a ticket (or adds to the open one for
//! the system), a recovery is recorded on it with the downtime.
//!
//! The incident ticket is an ordinary ticket (channel `monitoring`, opened at the moment of
//! detection so its SLA clocks run from there) created by a service user, plus a row in
//! `incidents` with what reports need: detection, "found before the customer", downtime. Only
//! Stability contracts get incidents, and none opens inside a maintenance window.

mod lease;
mod opening;

use jiff::Timestamp;
use serde::Serialize;
use sqlx::{Any, Row, Transaction};
use tierline_domain::Class;
use tierline_domain::monitor::Tracker;
use tierline_domain::ticket::Status;
use tierline_domain::workflow::Event;

use crate::monitors::{MonitorId, recent_text};
use crate::time::{from_db, opt_from_db, to_db};
use crate::{CustomerId, Role, Store, StoreError, SystemId, TicketId, UserId, Viewer};

/// The service user monitoring acts as; it cannot sign in.
pub const MONITORING_EMAIL: &str = "monitoring@tierline.invalid";

/// An incident as listed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Incident {
    /// Its ticket.
    pub ticket_id: TicketId,
    /// Whose.
    pub customer_id: CustomerId,
    /// The system, when known.
    pub system_id: Option<SystemId>,
    /// When monitoring (or an alert) detected it: the ticket's clocks start here.
    pub detected_at: Timestamp,
    /// Whether we found it before the customer reported it.
    pub found_before_customer: bool,
    /// Down since, while an outage is in progress.
    pub down_since: Option<Timestamp>,
    /// The latest recovery.
    pub recovered_at: Option<Timestamp>,
    /// Downtime recorded on it so far, in seconds.
    pub downtime_secs: i64,
    /// Whether the monitor was flapping.
    pub flapping: bool,
    /// The ticket's status.
    pub status: Status,
}

/// What a new incident says.
pub(crate) struct Opening {
    pub customer_id: CustomerId,
    pub system_id: Option<SystemId>,
    pub class: Class,
    pub subject: String,
    pub description: String,
    pub detected_at: Timestamp,
    pub down_since: Timestamp,
    pub flapping: bool,
    /// The entry the incident's timeline gets: `monitor.down` or `alert.firing`.
    pub event: Event,
}

impl Store {
    /// The service user's viewer, created on first use.
    pub(crate) async fn monitoring_viewer(&self) -> Result<Viewer, StoreError> {
        let find = || async {
            sqlx::query("SELECT id FROM users WHERE email = $1")
                .bind(MONITORING_EMAIL)
                .fetch_optional(&self.pool)
                .await
        };
        let id = match find().await? {
            Some(r) => r.try_get::<i64, _>("id")?,
            None => {
                let mut tx = self.begin_write().await?;
                let inserted = sqlx::query(
                    "INSERT INTO users (email, name, role, lines, disabled, created_at) VALUES ($1, 'Monitoring', 'agent', '', 1, $2) \
                     ON CONFLICT (email) DO NOTHING",
                )
                .bind(MONITORING_EMAIL)
                .bind(to_db(Timestamp::now()))
                .execute(&mut *tx)
                .await;
                inserted?;
                tx.commit().await?;
                find()
                    .await?
                    .ok_or(StoreError::Corrupt("no monitoring user".to_owned()))?
                    .try_get("id")?
            }
        };
        Ok(Viewer {
            user_id: UserId(id),
            role: Role::Agent,
            customer_id: None,
            lines: Vec::new(),
        })
    }

    /// The incidents of a system, newest first.
    pub async fn incidents(
        &self,
        viewer: &Viewer,
        system_id: SystemId,
    ) -> Result<Vec<Incident>, StoreError> {
        self.visible_system(viewer, system_id).await?;
        let rows = sqlx::query(
            "SELECT i.ticket_id, i.customer_id, i.system_id, i.detected_at, i.found_before_customer, i.down_since, \
             i.recovered_at, i.downtime_ns, i.flapping, t.status FROM incidents i JOIN tickets t ON t.id = i.ticket_id \
             WHERE i.system_id = $1 ORDER BY i.detected_at DESC, i.ticket_id DESC",
        )
        .bind(system_id.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let status: String = r.try_get("status")?;
                Ok(Incident {
                    ticket_id: TicketId(r.try_get("ticket_id")?),
                    customer_id: CustomerId(r.try_get("customer_id")?),
                    system_id: r.try_get::<Option<i64>, _>("system_id")?.map(SystemId),
                    detected_at: from_db(r.try_get("detected_at")?)?,
                    found_before_customer: r.try_get::<i64, _>("found_before_customer")? != 0,
                    down_since: opt_from_db(r.try_get("down_since")?)?,
                    recovered_at: opt_from_db(r.try_get("recovered_at")?)?,
                    downtime_secs: r.try_get::<i64, _>("downtime_ns")? / 1_000_000_000,
                    flapping: r.try_get::<i64, _>("flapping")? != 0,
                    status: Status::parse(&status)
                        .ok_or(StoreError::Corrupt("status".to_owned()))?,
                })
            })
            .collect()
    }
}

pub(crate) async fn save_state(
    tx: &mut Transaction<'static, Any>,
    id: MonitorId,
    tracker: &Tracker,
    message: Option<&str>,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE monitors SET health = $1, failures = $2, first_failure_at = $3, recent_changes = $4, last_message = $5 WHERE id = $6",
    )
    .bind(tracker.health.as_str())
    .bind(i64::from(tracker.failures))
    .bind(tracker.first_failure.map(to_db))
    .bind(recent_text(tracker))
    .bind(message)
    .bind(id.0)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A public event on an incident's timeline, by the monitoring user.
pub(crate) async fn event(
    tx: &mut Transaction<'static, Any>,
    ticket: TicketId,
    at: Timestamp,
    actor: UserId,
    entry: &Event,
) -> Result<(), StoreError> {
    crate::tickets::insert_event(tx, ticket, at, Some(actor), entry).await?;
    Ok(())
}

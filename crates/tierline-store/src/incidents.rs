//! Incidents found by monitoring: a confirmed down opens a ticket (or adds to the open one for
//! the system), a recovery is recorded on it with the downtime.
//!
//! The incident ticket is an ordinary ticket (channel `monitoring`, opened at the moment of
//! detection so its SLA clocks run from there) created by a service user, plus a row in
//! `incidents` with what reports need: detection, "found before the customer", downtime. Only
//! Stability contracts get incidents, and none opens inside a maintenance window.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use sqlx::{Any, Row, Transaction};
use tierline_domain::Class;
use tierline_domain::monitor::{Change, Damping, Health, Tracker};
use tierline_domain::ticket::{Channel, Status};
use tierline_domain::workflow::Event;
use tierline_domain::workflow::event::{MonitorDown, MonitorRecovered};

use crate::monitors::{DueMonitor, MonitorId, recent_text};
use crate::time::{from_db, opt_from_db, to_db};
use crate::{CustomerId, NewTicket, Role, Store, StoreError, SystemId, TicketId, UserId, Viewer};

/// The service user monitoring acts as; it cannot sign in.
pub const MONITORING_EMAIL: &str = "monitoring@tierline.invalid";

/// How long a node may hold a system's incident lease.
const LEASE: SignedDuration = SignedDuration::from_secs(30);

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

    /// Records a confirmed change of a monitor and what follows for its incident. Returns the
    /// incident's ticket, if one was opened, added to or recovered.
    pub async fn record_change(
        &self,
        m: &DueMonitor,
        tracker: &Tracker,
        change: Change,
        message: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<TicketId>, StoreError> {
        let mut tx = self.begin_write().await?;
        save_state(&mut tx, m.id, tracker, message).await?;
        crate::monitor_changes::insert(&mut tx, m.id, change.since, change.to).await?;
        tx.commit().await?;
        match change.to {
            Health::Down => self.monitor_down(m, change, message, now).await,
            Health::Up => match m.incident_ticket_id {
                Some(ticket) => self
                    .monitor_recovered(m, ticket, change, now)
                    .await
                    .map(Some),
                None => Ok(None),
            },
            Health::Unknown => Ok(None),
        }
    }

    /// A monitor still down without an incident (its outage began in a maintenance window that
    /// has ended): opens one now.
    pub async fn ensure_incident(
        &self,
        m: &DueMonitor,
        message: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<TicketId>, StoreError> {
        let since = sqlx::query(
            "SELECT at FROM monitor_changes WHERE monitor_id = $1 AND health = 2 ORDER BY at DESC LIMIT 1",
        )
        .bind(m.id.0)
        .fetch_optional(&self.pool)
        .await?
        .map(|r| r.try_get::<i64, _>("at"))
        .transpose()?
        .map(from_db)
        .transpose()?
        .unwrap_or(now);
        let change = Change {
            to: Health::Down,
            since,
            detected_at: now,
            flapping: m.tracker.is_flapping(now, &m.damping),
        };
        self.monitor_down(m, change, message, now).await
    }

    async fn monitor_down(
        &self,
        m: &DueMonitor,
        change: Change,
        message: Option<&str>,
        now: Timestamp,
    ) -> Result<Option<TicketId>, StoreError> {
        if self
            .in_maintenance(m.customer_id, m.system_id, change.detected_at)
            .await?
        {
            return Ok(None);
        }
        let system = self
            .system_of(m.system_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let reason = message.unwrap_or("the check failed");
        let opening = Opening {
            customer_id: m.customer_id,
            system_id: Some(m.system_id),
            class: m.incident_class,
            subject: format!("{}: {} is down", system.name, m.name),
            description: format!(
                "Monitoring found {} down: {reason}.\nDown since {}, confirmed at {}.",
                m.name, change.since, change.detected_at
            ),
            detected_at: change.detected_at,
            down_since: change.since,
            flapping: change.flapping,
            event: Event::MonitorDown(MonitorDown {
                monitor_id: m.id.0,
                monitor: m.name.clone(),
                since: change.since,
                detected_at: change.detected_at,
                reason: reason.to_owned(),
                flapping: None,
                found_before_customer: None,
            }),
        };
        let ticket = self.open_or_add(opening, now).await?;
        if let Some(t) = ticket {
            let mut tx = self.begin_write().await?;
            sqlx::query("UPDATE monitors SET incident_ticket_id = $1 WHERE id = $2")
                .bind(t.0)
                .bind(m.id.0)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
        }
        Ok(ticket)
    }

    /// Opens an incident for a system, or adds to the open one (or to one resolved within the
    /// flap window: a flapping system reopens its incident rather than opening a storm of them).
    pub(crate) async fn open_or_add(
        &self,
        o: Opening,
        now: Timestamp,
    ) -> Result<Option<TicketId>, StoreError> {
        let (_, contract) = match self.contract_in_force(o.customer_id, o.detected_at).await {
            Ok(c) => c,
            Err(StoreError::Invalid { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        if !contract.terms().stability {
            return Ok(None);
        }
        // One opener per system across every node: two monitors of a system failing together
        // (on two nodes, or in two tasks) must add to one incident, not open two.
        let key = format!("{}:{}", o.customer_id, o.system_id.map_or(0, |s| s.0));
        let holder = self.lease(&key).await?;
        let result = self.open_or_add_leased(o, now).await;
        self.release(&key, &holder).await?;
        result
    }

    /// Takes the lease on `key`, waiting while another holds it (until it expires at worst).
    async fn lease(&self, key: &str) -> Result<String, StoreError> {
        let (holder, _) = crate::secrets::new_token();
        loop {
            let now = Timestamp::now();
            let mut tx = self.begin_write().await?;
            let got = sqlx::query(
                "INSERT INTO incident_locks (lock_key, holder, expires_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (lock_key) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at \
                 WHERE incident_locks.expires_at < $4 RETURNING holder",
            )
            .bind(key)
            .bind(&holder)
            .bind(to_db(now.checked_add(LEASE).unwrap_or(now)))
            .bind(to_db(now))
            .fetch_optional(&mut *tx)
            .await?;
            tx.commit().await?;
            if got.is_some() {
                return Ok(holder);
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    async fn release(&self, key: &str, holder: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM incident_locks WHERE lock_key = $1 AND holder = $2")
            .bind(key)
            .bind(holder)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn open_or_add_leased(
        &self,
        o: Opening,
        now: Timestamp,
    ) -> Result<Option<TicketId>, StoreError> {
        let viewer = self.monitoring_viewer().await?;
        let recent = o
            .detected_at
            .checked_sub(Damping::default().flap_window)
            .unwrap_or(o.detected_at);
        let open = sqlx::query(
            "SELECT i.ticket_id, i.flapping, t.status FROM incidents i JOIN tickets t ON t.id = i.ticket_id \
             WHERE i.customer_id = $1 AND (i.system_id = $2 OR (i.system_id IS NULL AND $2 IS NULL)) \
               AND (t.status NOT IN ('resolved', 'closed') OR (t.status = 'resolved' AND t.resolved_at >= $3)) \
             ORDER BY i.ticket_id DESC LIMIT 1",
        )
        .bind(o.customer_id.0)
        .bind(o.system_id.map(|s| s.0))
        .bind(to_db(recent))
        .fetch_optional(&self.pool)
        .await?;
        if let Some(row) = open {
            let ticket = TicketId(row.try_get("ticket_id")?);
            let was_flapping = row.try_get::<i64, _>("flapping")? != 0;
            let status: String = row.try_get("status")?;
            if status == "resolved" {
                self.set_status(
                    &viewer,
                    ticket,
                    Status::Open,
                    Some("down again soon after recovering"),
                    now,
                )
                .await?;
            }
            let mut tx = self.begin_write().await?;
            // A flapping system's every change would be noise: the first that shows the
            // flapping is recorded, the rest only in availability.
            if !(o.flapping && was_flapping) {
                event(
                    &mut tx,
                    ticket,
                    o.detected_at,
                    viewer.user_id,
                    &o.event.on_incident(Some(o.flapping), None),
                )
                .await?;
            }
            sqlx::query(
                "UPDATE incidents SET down_since = COALESCE(down_since, $1), flapping = $2 WHERE ticket_id = $3",
            )
            .bind(to_db(o.down_since))
            .bind(i64::from(o.flapping || was_flapping))
            .bind(ticket.0)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            return Ok(Some(ticket));
        }
        // Did the customer tell us first? An active request of theirs about this system (or
        // about no system in particular) from the day before.
        let day_before = o
            .detected_at
            .checked_sub(SignedDuration::from_hours(24))
            .unwrap_or(o.detected_at);
        let reported = sqlx::query(
            "SELECT 1 AS one FROM tickets WHERE customer_id = $1 AND (system_id = $2 OR system_id IS NULL) \
             AND channel <> 'monitoring' AND status NOT IN ('resolved', 'closed') AND opened_at <= $3 AND opened_at >= $4 LIMIT 1",
        )
        .bind(o.customer_id.0)
        .bind(o.system_id.map(|s| s.0))
        .bind(to_db(o.detected_at))
        .bind(to_db(day_before))
        .fetch_optional(&self.pool)
        .await?
        .is_some();
        let ticket = self
            .create_ticket(
                &viewer,
                NewTicket {
                    customer_id: Some(o.customer_id),
                    system_id: o.system_id,
                    subject: o.subject,
                    description: o.description,
                    channel: Channel::Monitoring,
                    class: o.class,
                    opened_at: Some(o.detected_at),
                    individual_reaction: None,
                    individual_resolution: None,
                    auto_class: None,
                },
                now,
            )
            .await?;
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO incidents (ticket_id, customer_id, system_id, detected_at, found_before_customer, down_since, flapping) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(ticket.id.0)
        .bind(o.customer_id.0)
        .bind(o.system_id.map(|s| s.0))
        .bind(to_db(o.detected_at))
        .bind(i64::from(!reported))
        .bind(to_db(o.down_since))
        .bind(i64::from(o.flapping))
        .execute(&mut *tx)
        .await?;
        event(
            &mut tx,
            ticket.id,
            o.detected_at,
            viewer.user_id,
            &o.event.on_incident(None, Some(!reported)),
        )
        .await?;
        tx.commit().await?;
        tracing::info!(
            ticket_id = ticket.id.0,
            customer_id = o.customer_id.0,
            "monitoring opened an incident"
        );
        Ok(Some(ticket.id))
    }

    async fn monitor_recovered(
        &self,
        m: &DueMonitor,
        ticket: TicketId,
        change: Change,
        now: Timestamp,
    ) -> Result<TicketId, StoreError> {
        let down_since = sqlx::query(
            "SELECT at FROM monitor_changes WHERE monitor_id = $1 AND health = 2 AND at < $2 ORDER BY at DESC LIMIT 1",
        )
        .bind(m.id.0)
        .bind(to_db(change.since))
        .fetch_optional(&self.pool)
        .await?
        .map(|r| r.try_get::<i64, _>("at"))
        .transpose()?
        .map(from_db)
        .transpose()?
        .unwrap_or(change.since);
        let downtime = change.since.duration_since(down_since);
        let viewer = self.monitoring_viewer().await?;
        let mut tx = self.begin_write().await?;
        event(
            &mut tx,
            ticket,
            change.since,
            viewer.user_id,
            &Event::MonitorRecovered(MonitorRecovered {
                monitor_id: m.id.0,
                monitor: m.name.clone(),
                down_since,
                recovered_at: change.since,
                downtime_secs: downtime.as_secs(),
                flapping: change.flapping,
            }),
        )
        .await?;
        sqlx::query(
            "UPDATE incidents SET recovered_at = $1, downtime_ns = downtime_ns + $2, down_since = NULL, \
             flapping = CASE WHEN $3 = 1 THEN 1 ELSE flapping END WHERE ticket_id = $4",
        )
        .bind(to_db(change.since))
        .bind(i64::try_from(downtime.as_nanos()).unwrap_or(i64::MAX))
        .bind(i64::from(change.flapping))
        .bind(ticket.0)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE monitors SET incident_ticket_id = NULL WHERE id = $1")
            .bind(m.id.0)
            .execute(&mut *tx)
            .await?;
        let others_down = sqlx::query(
            "SELECT 1 AS one FROM monitors WHERE incident_ticket_id = $1 AND id <> $2 LIMIT 1",
        )
        .bind(ticket.0)
        .bind(m.id.0)
        .fetch_optional(&mut *tx)
        .await?
        .is_some();
        let auto_resolve = sqlx::query("SELECT auto_resolve FROM monitors WHERE id = $1")
            .bind(m.id.0)
            .fetch_one(&mut *tx)
            .await?
            .try_get::<i64, _>("auto_resolve")?
            != 0;
        tx.commit().await?;
        // Closing stays an agent's decision unless the monitor says otherwise; a flapping
        // monitor never resolves its incident by itself.
        if auto_resolve && !others_down && !change.flapping {
            let t = self.ticket(&viewer, ticket).await?;
            if t.status.can_move_to(Status::Resolved) {
                self.set_status(
                    &viewer,
                    ticket,
                    Status::Resolved,
                    Some("recovered (auto-resolve)"),
                    now,
                )
                .await?;
            }
        }
        Ok(ticket)
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

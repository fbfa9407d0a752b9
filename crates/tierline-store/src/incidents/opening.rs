//! Opening, adding to and recovering incidents as a monitor's confirmed health changes.

use jiff::{SignedDuration, Timestamp};
use sqlx::Row;
use tierline_domain::monitor::{Change, Damping, Health, Tracker};
use tierline_domain::ticket::{Channel, Status};
use tierline_domain::workflow::Event;
use tierline_domain::workflow::event::{MonitorDown, MonitorRecovered};

use super::{Opening, event, save_state};
use crate::monitors::DueMonitor;
use crate::time::{from_db, to_db};
use crate::{NewTicket, Store, StoreError, TicketId};

impl Store {
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

    pub(super) async fn open_or_add_leased(
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
}

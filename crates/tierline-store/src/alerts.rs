//! Alerts from the customer's own monitoring (Alertmanager, Grafana, Zabbix) become incidents.
//!
//! Each customer has one secret for its webhooks (stored as a digest). An alert is known by its
//! source and fingerprint: the first firing opens an incident (or adds to the open one for its
//! system), repeats only count, a resolution records the recovery on the incident.

use jiff::Timestamp;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;
use tierline_domain::Class;
use tierline_domain::alerts::Alert;
use tierline_domain::workflow::Event;
use tierline_domain::workflow::event::{AlertFiring, AlertResolved};

use crate::incidents::{Opening, event};
use crate::time::{from_db, to_db};
use crate::{CustomerId, Store, StoreError, SystemId, TicketId, Viewer, audit, secrets};

/// What became of one alert.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AlertOutcome {
    /// The alert's fingerprint.
    pub fingerprint: String,
    /// `opened`, `added` (to an open incident), `repeated`, `resolved` or `ignored`.
    pub action: &'static str,
    /// The incident's ticket.
    pub ticket_id: Option<TicketId>,
    /// Why it was ignored.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
}

fn outcome(a: &Alert, action: &'static str, ticket_id: Option<TicketId>) -> AlertOutcome {
    AlertOutcome {
        fingerprint: a.fingerprint.clone(),
        action,
        ticket_id,
        reason: None,
    }
}

fn ignored(a: &Alert, reason: &'static str) -> AlertOutcome {
    AlertOutcome {
        reason: Some(reason),
        ..outcome(a, "ignored", None)
    }
}

impl Store {
    /// A new webhook secret for a customer (administrators), replacing the old one; shown once.
    pub async fn rotate_alert_secret(
        &self,
        viewer: &Viewer,
        customer_id: CustomerId,
        now: Timestamp,
    ) -> Result<String, StoreError> {
        viewer.require_admin()?;
        self.customer(viewer, customer_id).await?;
        let (token, _) = secrets::new_token();
        let secret = format!("wh_{}", token.trim_start_matches(secrets::TOKEN_PREFIX));
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO alert_secrets (customer_id, digest, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (customer_id) DO UPDATE SET digest = excluded.digest, created_at = excluded.created_at",
        )
        .bind(customer_id.0)
        .bind(secrets::token_digest(&secret))
        .bind(to_db(now))
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            now,
            Some(viewer.user_id),
            "alerts.secret",
            &format!("customer:{customer_id}"),
            &json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(secret)
    }

    /// The customer a webhook secret belongs to.
    pub async fn customer_by_alert_secret(&self, secret: &str) -> Result<CustomerId, StoreError> {
        let row = sqlx::query("SELECT customer_id FROM alert_secrets WHERE digest = $1")
            .bind(secrets::token_digest(secret))
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(CustomerId(row.try_get("customer_id")?))
    }

    /// Records one alert from `source` (`alertmanager`, `grafana`, `zabbix`) for a customer.
    pub async fn record_alert(
        &self,
        customer_id: CustomerId,
        source: &'static str,
        alert: &Alert,
        now: Timestamp,
    ) -> Result<AlertOutcome, StoreError> {
        let state = sqlx::query(
            "SELECT ticket_id, firing, started_at FROM alert_states WHERE customer_id = $1 AND source = $2 AND fingerprint = $3",
        )
        .bind(customer_id.0)
        .bind(source)
        .bind(&alert.fingerprint)
        .fetch_optional(&self.pool)
        .await?;
        let known = match &state {
            Some(r) => Some((
                TicketId(r.try_get("ticket_id")?),
                r.try_get::<i64, _>("firing")? != 0,
                from_db(r.try_get("started_at")?)?,
            )),
            None => None,
        };
        match (alert.firing, known) {
            (true, Some((ticket, true, _))) => {
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "UPDATE alert_states SET repeats = repeats + 1, updated_at = $1 WHERE customer_id = $2 AND source = $3 AND fingerprint = $4",
                )
                .bind(to_db(now))
                .bind(customer_id.0)
                .bind(source)
                .bind(&alert.fingerprint)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(outcome(alert, "repeated", Some(ticket)))
            }
            (true, _) => self.alert_fired(customer_id, source, alert, now).await,
            (false, Some((ticket, true, started))) => {
                let ended = alert.ends_at.unwrap_or(now).min(now);
                let viewer = self.monitoring_viewer().await?;
                let mut tx = self.begin_write().await?;
                sqlx::query(
                    "UPDATE alert_states SET firing = 0, resolved_at = $1, updated_at = $2 WHERE customer_id = $3 AND source = $4 AND fingerprint = $5",
                )
                .bind(to_db(ended))
                .bind(to_db(now))
                .bind(customer_id.0)
                .bind(source)
                .bind(&alert.fingerprint)
                .execute(&mut *tx)
                .await?;
                let downtime = ended
                    .duration_since(started)
                    .max(jiff::SignedDuration::ZERO);
                event(
                    &mut tx,
                    ticket,
                    now,
                    viewer.user_id,
                    &Event::AlertResolved(AlertResolved {
                        source: source.to_owned(),
                        fingerprint: alert.fingerprint.clone(),
                        title: alert.title.clone(),
                        started_at: started,
                        resolved_at: ended,
                        duration_secs: downtime.as_secs(),
                    }),
                )
                .await?;
                sqlx::query(
                    "UPDATE incidents SET recovered_at = $1, downtime_ns = downtime_ns + $2, down_since = NULL WHERE ticket_id = $3",
                )
                .bind(to_db(ended))
                .bind(i64::try_from(downtime.as_nanos()).unwrap_or(i64::MAX))
                .bind(ticket.0)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(outcome(alert, "resolved", Some(ticket)))
            }
            (false, _) => Ok(ignored(alert, "no firing alert with this fingerprint")),
        }
    }

    async fn alert_fired(
        &self,
        customer_id: CustomerId,
        source: &'static str,
        alert: &Alert,
        now: Timestamp,
    ) -> Result<AlertOutcome, StoreError> {
        let system = match &alert.system {
            Some(name) => {
                sqlx::query("SELECT id FROM systems WHERE customer_id = $1 AND name = $2")
                    .bind(customer_id.0)
                    .bind(name)
                    .fetch_optional(&self.pool)
                    .await?
                    .map(|r| r.try_get::<i64, _>("id"))
                    .transpose()?
                    .map(SystemId)
            }
            None => None,
        };
        if let Some(s) = system
            && self.in_maintenance(customer_id, s, now).await?
        {
            return Ok(ignored(alert, "the system is in a maintenance window"));
        }
        // Resource and server alerts are class 2 unless the alert says otherwise (SPEC §6).
        let class = alert
            .class
            .filter(|c| c.number() >= 2)
            .unwrap_or(Class::ALL[1]);
        let since = alert.starts_at.unwrap_or(now).min(now);
        let opening = Opening {
            customer_id,
            system_id: system,
            class,
            subject: format!("Alert from {source}: {}", alert.title),
            description: if alert.detail.is_empty() {
                alert.title.clone()
            } else {
                alert.detail.clone()
            },
            detected_at: now,
            down_since: since,
            flapping: false,
            event: Event::AlertFiring(AlertFiring {
                source: source.to_owned(),
                fingerprint: alert.fingerprint.clone(),
                title: alert.title.clone(),
                detail: alert.detail.clone(),
                labels: alert.labels.clone(),
                starts_at: since,
                flapping: None,
                found_before_customer: None,
            }),
        };
        let before = self.open_incident_of(customer_id, system).await?;
        let Some(ticket) = self.open_or_add(opening, now).await? else {
            return Ok(ignored(
                alert,
                "the customer's contract has no Stability add-on",
            ));
        };
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO alert_states (customer_id, source, fingerprint, ticket_id, firing, started_at, updated_at) \
             VALUES ($1, $2, $3, $4, 1, $5, $6) ON CONFLICT (customer_id, source, fingerprint) DO UPDATE SET \
             ticket_id = excluded.ticket_id, firing = 1, started_at = excluded.started_at, resolved_at = NULL, \
             repeats = 0, updated_at = excluded.updated_at",
        )
        .bind(customer_id.0)
        .bind(source)
        .bind(&alert.fingerprint)
        .bind(ticket.0)
        .bind(to_db(since))
        .bind(to_db(now))
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        let action = if before == Some(ticket) {
            "added"
        } else {
            "opened"
        };
        Ok(outcome(alert, action, Some(ticket)))
    }

    /// The active incident of a customer's system (or of no system), if any.
    async fn open_incident_of(
        &self,
        customer_id: CustomerId,
        system: Option<SystemId>,
    ) -> Result<Option<TicketId>, StoreError> {
        let row = sqlx::query(
            "SELECT i.ticket_id FROM incidents i JOIN tickets t ON t.id = i.ticket_id WHERE i.customer_id = $1 \
             AND (i.system_id = $2 OR (i.system_id IS NULL AND $2 IS NULL)) AND t.status NOT IN ('resolved', 'closed') \
             ORDER BY i.ticket_id DESC LIMIT 1",
        )
        .bind(customer_id.0)
        .bind(system.map(|s| s.0))
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok(TicketId(r.try_get("ticket_id")?)))
            .transpose()
    }
}

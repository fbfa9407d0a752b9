//! SLA timers: the warning and breach instants of every running clock, kept in step with the
//! ticket in the transaction that changes it, and fired exactly once.
//!
//! Firing is a conditional update (`fired_at IS NULL`) in the same transaction as the timeline
//! event and the outbox message, so two nodes racing for one timer record it once, and a node
//! that dies before committing leaves it for the next.

use jiff::Timestamp;
use serde_json::json;
use sqlx::{Any, Row, Transaction};
use tierline_domain::sla::ClockKind;
use tierline_domain::ticket::TicketClock;
use tierline_domain::workflow::Event;
use tierline_domain::workflow::event::SlaFired;

use crate::tickets::insert_event;

use crate::time::{from_db, opt_from_db, to_db};
use crate::{Store, StoreError, TicketId};

/// A timer that fired.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FiredTimer {
    /// The ticket.
    pub ticket_id: TicketId,
    /// `reaction`, `resolution` or `work_start`.
    pub clock: String,
    /// `warning` or `breach`.
    pub kind: String,
    /// The instant it was due to fire.
    pub fire_at: Timestamp,
}

/// One message waiting in the outbox.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct OutboxMessage {
    /// Its id, in order of writing.
    pub id: i64,
    /// When it was written.
    pub at: Timestamp,
    /// What it announces (`sla.warning`, `sla.breach`).
    pub kind: String,
    /// The ticket concerned.
    pub ticket_id: Option<TicketId>,
    /// The details for the channel.
    pub payload: serde_json::Value,
}

fn clock_name(kind: ClockKind) -> &'static str {
    match kind {
        ClockKind::Reaction => "reaction",
        ClockKind::Resolution => "resolution",
        ClockKind::WorkStart => "work_start",
    }
}

/// Brings a ticket's pending timers in line with its clocks; fired ones are history and stay.
pub(crate) async fn sync(
    tx: &mut Transaction<'static, Any>,
    ticket: TicketId,
    clocks: &[TicketClock],
) -> Result<(), StoreError> {
    for kind in [
        ClockKind::Reaction,
        ClockKind::Resolution,
        ClockKind::WorkStart,
    ] {
        let clock = clocks
            .iter()
            .find(|c| c.kind == kind && c.stopped_at.is_none());
        for (timer, at) in [
            ("warning", clock.and_then(|c| c.snapshot.warning_at)),
            ("breach", clock.and_then(|c| c.snapshot.due)),
        ] {
            match at {
                Some(at) => {
                    sqlx::query(
                        "INSERT INTO clock_timers (ticket_id, clock, kind, fire_at) VALUES ($1, $2, $3, $4) \
                         ON CONFLICT (ticket_id, clock, kind) DO UPDATE SET fire_at = excluded.fire_at \
                         WHERE clock_timers.fired_at IS NULL",
                    )
                    .bind(ticket.0)
                    .bind(clock_name(kind))
                    .bind(timer)
                    .bind(to_db(at))
                    .execute(&mut **tx)
                    .await?;
                }
                // Stopped, paused or without a target: nothing to fire until that changes.
                None => {
                    sqlx::query("DELETE FROM clock_timers WHERE ticket_id = $1 AND clock = $2 AND kind = $3 AND fired_at IS NULL")
                        .bind(ticket.0)
                        .bind(clock_name(kind))
                        .bind(timer)
                        .execute(&mut **tx)
                        .await?;
                }
            }
        }
    }
    Ok(())
}

/// The insert of the timers of a ticket that has none yet, as one statement.
pub(crate) fn fresh_rows(
    ticket: TicketId,
    clocks: &[TicketClock],
) -> Option<(String, Vec<crate::batch::Arg>)> {
    use crate::sql::Sql;
    let rows: Vec<(&'static str, &'static str, Timestamp)> = clocks
        .iter()
        .filter(|c| c.stopped_at.is_none())
        .flat_map(|c| {
            [
                ("warning", c.snapshot.warning_at),
                ("breach", c.snapshot.due),
            ]
            .map(move |(k, at)| (clock_name(c.kind), k, at))
        })
        .filter_map(|(clock, kind, at)| at.map(|at| (clock, kind, at)))
        .collect();
    if rows.is_empty() {
        return None;
    }
    let mut q = Sql::new("INSERT INTO clock_timers (ticket_id, clock, kind, fire_at) VALUES ");
    for (i, (clock, kind, at)) in rows.into_iter().enumerate() {
        q.push(if i == 0 { "(" } else { ", (" })
            .bind(ticket.0)
            .push(", ")
            .bind(clock)
            .push(", ")
            .bind(kind)
            .push(", ")
            .bind(to_db(at))
            .push(")");
    }
    Some(q.into_parts())
}

impl Store {
    /// When the next pending timer fires, if any.
    pub async fn next_timer_at(&self) -> Result<Option<Timestamp>, StoreError> {
        let row = sqlx::query("SELECT MIN(fire_at) AS t FROM clock_timers WHERE fired_at IS NULL")
            .fetch_one(&self.pool)
            .await?;
        opt_from_db(row.try_get("t")?)
    }

    /// Fires every timer due at or before `now`, oldest first, at most `limit` of them; each is
    /// recorded on its ticket's timeline and in the outbox, once.
    pub async fn fire_due_timers(
        &self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<FiredTimer>, StoreError> {
        let due = sqlx::query("SELECT ticket_id, clock, kind, fire_at FROM clock_timers WHERE fired_at IS NULL AND fire_at <= $1 ORDER BY fire_at LIMIT $2")
            .bind(to_db(now))
            .bind(limit.clamp(1, 10_000))
            .fetch_all(&self.pool)
            .await?;
        let mut fired = Vec::new();
        for row in due {
            let timer = FiredTimer {
                ticket_id: TicketId(row.try_get("ticket_id")?),
                clock: row.try_get("clock")?,
                kind: row.try_get("kind")?,
                fire_at: from_db(row.try_get("fire_at")?)?,
            };
            let mut tx = self.begin_write().await?;
            let claimed = sqlx::query("UPDATE clock_timers SET fired_at = $1 WHERE ticket_id = $2 AND clock = $3 AND kind = $4 AND fired_at IS NULL AND fire_at <= $1")
                .bind(to_db(now))
                .bind(timer.ticket_id.0)
                .bind(&timer.clock)
                .bind(&timer.kind)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if claimed != 1 {
                // Another node fired it, or the ticket moved the timer since the select.
                continue;
            }
            let info = sqlx::query(
                "SELECT customer_id, line, assignee_id, class, subject FROM tickets WHERE id = $1",
            )
            .bind(timer.ticket_id.0)
            .fetch_one(&mut *tx)
            .await?;
            let fired_event = SlaFired {
                clock: timer.clock.clone(),
                at: timer.fire_at,
            };
            let fired_event = match timer.kind.as_str() {
                "warning" => Event::SlaWarning(fired_event),
                "breach" => Event::SlaBreach(fired_event),
                other => return Err(StoreError::Corrupt(format!("timer kind {other:?}"))),
            };
            insert_event(&mut tx, timer.ticket_id, timer.fire_at, None, &fired_event).await?;
            let customer_id: i64 = info.try_get("customer_id")?;
            let payload = json!({
                "ticket_id": timer.ticket_id,
                "clock": timer.clock,
                "at": timer.fire_at,
                "customer_id": customer_id,
                "line": info.try_get::<i64, _>("line")?,
                "assignee_id": info.try_get::<Option<i64>, _>("assignee_id")?,
                "class": info.try_get::<i64, _>("class")?,
                "subject": info.try_get::<String, _>("subject")?,
            });
            sqlx::query(
                "INSERT INTO outbox (at, kind, ticket_id, payload) VALUES ($1, $2, $3, $4)",
            )
            .bind(to_db(now))
            .bind(format!("sla.{}", timer.kind))
            .bind(timer.ticket_id.0)
            .bind(payload.to_string())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            tracing::info!(ticket_id = timer.ticket_id.0, customer_id, clock = %timer.clock, kind = %timer.kind, "SLA {} fired", timer.kind);
            fired.push(timer);
        }
        Ok(fired)
    }

    /// Outbox messages not yet delivered, oldest first.
    pub async fn pending_outbox(&self, limit: i64) -> Result<Vec<OutboxMessage>, StoreError> {
        let rows = sqlx::query("SELECT id, at, kind, ticket_id, payload FROM outbox WHERE delivered_at IS NULL ORDER BY id LIMIT $1")
            .bind(limit.clamp(1, 10_000))
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(OutboxMessage {
                    id: r.try_get("id")?,
                    at: from_db(r.try_get("at")?)?,
                    kind: r.try_get("kind")?,
                    ticket_id: r.try_get::<Option<i64>, _>("ticket_id")?.map(TicketId),
                    payload: serde_json::from_str(&r.try_get::<String, _>("payload")?)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                })
            })
            .collect()
    }
}

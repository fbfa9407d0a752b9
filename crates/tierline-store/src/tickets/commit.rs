//! The common parts of every change: the lock, the recomputed clocks and the timeline's entries.

use super::{COLUMNS, corrupt, event, scope, ticket};
use jiff::{SignedDuration, Timestamp};
use sqlx::{Any, Row, Transaction};
use tierline_domain::contract::Contract;
use tierline_domain::ticket::{Status, StatusSpan, TicketFacts, next_due};
use tierline_domain::workflow::Event;

use crate::time::{from_db, to_db};
use crate::{Store, StoreError, Ticket, TicketEvent, TicketId, UserId, Viewer};

impl Store {
    /// Opens a write transaction holding the ticket, checked against the viewer.
    pub(super) async fn lock(
        &self,
        viewer: &Viewer,
        id: TicketId,
    ) -> Result<(Transaction<'static, Any>, Ticket, std::sync::Arc<Contract>), StoreError> {
        let mut tx = self.begin_write().await?;
        let mut q = crate::sql::Sql::new(format!("SELECT {COLUMNS} FROM tickets WHERE id = "));
        q.bind(id.0);
        scope(&mut q, viewer);
        q.push(self.for_update());
        let row = q
            .query()
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let t = ticket(&row)?;
        let contract = self.contract_by_id(t.contract_version_id).await?;
        Ok((tx, t, contract))
    }

    /// Writes the ticket's fields and its recomputed nearest due time.
    pub(super) async fn finish(
        &self,
        tx: &mut Transaction<'static, Any>,
        mut t: Ticket,
        contract: &Contract,
        now: Timestamp,
    ) -> Result<Ticket, StoreError> {
        let spans = status_spans(&t, &self.status_events(&mut **tx, t.id).await?)?;
        let clocks = facts(&t, spans)
            .clocks(contract, now)
            .map_err(|e| StoreError::invalid("ticket", e.to_string()))?;
        t.next_due_at = next_due(&clocks);
        t.updated_at = now;
        crate::timers::sync(tx, t.id, &clocks).await?;
        sqlx::query(
            "UPDATE tickets SET class = $1, line = $2, status = $3, assignee_id = $4, first_response_at = $5, resolved_at = $6, \
             spec_agreed_at = $7, work_started_at = $8, next_due_at = $9, updated_at = $10, needs_qualification = $12, group_id = $13 WHERE id = $11",
        )
        .bind(i64::from(t.class.number()))
        .bind(i64::from(t.line.number()))
        .bind(t.status.as_str())
        .bind(t.assignee_id.map(|a| a.0))
        .bind(t.first_response_at.map(to_db))
        .bind(t.resolved_at.map(to_db))
        .bind(t.spec_agreed_at.map(to_db))
        .bind(t.work_started_at.map(to_db))
        .bind(t.next_due_at.map(to_db))
        .bind(to_db(now))
        .bind(t.id.0)
        .bind(i64::from(t.needs_qualification))
        .bind(t.group_id)
        .execute(&mut **tx)
        .await?;
        Ok(t)
    }

    pub(super) async fn status_events<'e, E>(
        &self,
        executor: E,
        id: TicketId,
    ) -> Result<Vec<(Timestamp, Status)>, StoreError>
    where
        E: sqlx::Executor<'e, Database = Any>,
    {
        let rows = sqlx::query("SELECT at, data FROM ticket_events WHERE ticket_id = $1 AND kind = 'status' ORDER BY id")
            .bind(id.0)
            .fetch_all(executor)
            .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    from_db(r.try_get("at")?)?,
                    moved_to(&r.try_get::<String, _>("data")?)?,
                ))
            })
            .collect()
    }
}

/// Where a stored status move went.
pub(super) fn moved_to(data: &str) -> Result<Status, StoreError> {
    let data: serde_json::Value =
        serde_json::from_str(data).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    match Event::parse("status", true, &data) {
        Ok(Event::Status(m)) => Ok(m.to),
        _ => Err(corrupt("status event")),
    }
}

/// Appends an entry to a ticket's timeline.
pub(crate) async fn insert_event(
    tx: &mut Transaction<'static, Any>,
    ticket_id: TicketId,
    at: Timestamp,
    actor: Option<UserId>,
    change: &Event,
) -> Result<TicketEvent, StoreError> {
    let row = sqlx::query(
        "INSERT INTO ticket_events (ticket_id, at, actor_id, kind, public, data) VALUES ($1, $2, $3, $4, $5, $6) \
         RETURNING id, ticket_id, at, actor_id, kind, public, data",
    )
    .bind(ticket_id.0)
    .bind(to_db(at))
    .bind(actor.map(|a| a.0))
    .bind(change.kind())
    .bind(i64::from(change.public()))
    .bind(change.data().to_string())
    .fetch_one(&mut **tx)
    .await?;
    event(&row)
}

/// The status history as spans: `new` from the opening, then each recorded move.
pub(super) fn status_spans(
    t: &Ticket,
    moves: &[(Timestamp, Status)],
) -> Result<Vec<StatusSpan>, StoreError> {
    let mut spans = vec![StatusSpan {
        status: Status::New,
        from: t.opened_at,
        until: None,
    }];
    for &(at, status) in moves {
        if let Some(last) = spans.last_mut() {
            last.until = Some(at.max(last.from));
        }
        spans.push(StatusSpan {
            status,
            from: at,
            until: None,
        });
    }
    // Spans that lasted no time (several moves in one instant) say nothing and would be refused
    // as empty pauses.
    spans.retain(|s| s.until.is_none_or(|u| u > s.from));
    Ok(spans)
}

pub(super) fn facts(t: &Ticket, statuses: Vec<StatusSpan>) -> TicketFacts {
    TicketFacts {
        class: t.class,
        opened_at: t.opened_at,
        statuses,
        first_response_at: t.first_response_at,
        resolved_at: t.resolved_at,
        spec_agreed_at: t.spec_agreed_at,
        work_started_at: t.work_started_at,
        individual_reaction: t.individual_reaction_secs.map(SignedDuration::from_secs),
        individual_resolution: t.individual_resolution_secs.map(SignedDuration::from_secs),
    }
}

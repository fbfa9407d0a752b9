//! One ticket, its clocks and its timeline, as a viewer may see them.

use super::{COLUMNS, event, facts, moved_to, scope, status_spans, ticket};
use jiff::Timestamp;
use sqlx::Row;
use tierline_domain::ticket::{Status, TicketClock};

use crate::own_sql;
use crate::sql::Sql;
use crate::time::from_db;
use crate::{Role, Store, StoreError, Ticket, TicketEvent, TicketId, Viewer};

impl Store {
    /// One ticket, if the viewer may see it.
    pub async fn ticket(&self, viewer: &Viewer, id: TicketId) -> Result<Ticket, StoreError> {
        let mut q = Sql::new(format!("SELECT {COLUMNS} FROM tickets WHERE id = "));
        q.bind(id.0);
        scope(&mut q, viewer);
        let row = q
            .query()
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        ticket(&row)
    }

    /// A ticket with its clocks evaluated at `now`.
    pub async fn ticket_with_clocks(
        &self,
        viewer: &Viewer,
        id: TicketId,
        now: Timestamp,
    ) -> Result<(Ticket, Vec<TicketClock>), StoreError> {
        let t = self.ticket(viewer, id).await?;
        let contract = self.contract_by_id(t.contract_version_id).await?;
        let spans = status_spans(&t, &self.status_events(&self.pool, t.id).await?)?;
        let clocks = facts(&t, spans)
            .clocks(&contract, now)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok((t, clocks))
    }

    /// The clocks of a page of tickets the caller already holds (a queue), evaluated at `now`:
    /// one query for all their status changes, contracts from the cache. In the order given.
    pub async fn clocks_of(
        &self,
        tickets: &[Ticket],
        now: Timestamp,
    ) -> Result<Vec<Vec<TicketClock>>, StoreError> {
        if tickets.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = Sql::new(
            "SELECT ticket_id, at, data FROM ticket_events WHERE kind = 'status' AND ticket_id IN (",
        );
        q.bind_list(tickets.iter().map(|t| t.id.0))
            .push(") ORDER BY id");
        let mut moves: std::collections::HashMap<i64, Vec<(Timestamp, Status)>> =
            std::collections::HashMap::new();
        for r in q.query().fetch_all(&self.pool).await? {
            let to = moved_to(&r.try_get::<String, _>("data")?)?;
            moves
                .entry(r.try_get("ticket_id")?)
                .or_default()
                .push((from_db(r.try_get("at")?)?, to));
        }
        let mut out = Vec::with_capacity(tickets.len());
        for t in tickets {
            let contract = self.contract_by_id(t.contract_version_id).await?;
            let spans = status_spans(t, moves.get(&t.id.0).map_or(&[][..], Vec::as_slice))?;
            out.push(
                facts(t, spans)
                    .clocks(&contract, now)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            );
        }
        Ok(out)
    }

    /// The timeline; customer users see only its public entries.
    pub async fn ticket_events(
        &self,
        viewer: &Viewer,
        id: TicketId,
    ) -> Result<Vec<TicketEvent>, StoreError> {
        self.ticket(viewer, id).await?;
        let public_only = match viewer.role {
            Role::Admin | Role::Agent => "",
            Role::Customer => " AND public = 1",
            // A vendor sees the escalation and the notes exchanged with it, nothing of the customer's.
            Role::Vendor => " AND kind IN ('vendor', 'vendor_note')",
        };
        let rows = sqlx::query(own_sql(format!(
            "SELECT id, ticket_id, at, actor_id, kind, public, data FROM ticket_events WHERE ticket_id = $1{public_only} ORDER BY id"
        )))
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(event).collect()
    }
}

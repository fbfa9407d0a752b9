//! The feed of ticket changes that live pages follow: every change appends to a ticket's
//! timeline, so the timeline's ids are the cursor. Reading it from the database (rather than
//! from the process that made the change) shows the changes of every node.

use sqlx::Row;
use tierline_domain::ticket::Line;

use crate::{CustomerId, Store, StoreError, TicketId};

/// One ticket that changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TicketChange {
    /// The timeline entry that recorded it.
    pub event_id: i64,
    /// The ticket.
    pub ticket_id: TicketId,
    /// Whose.
    pub customer_id: CustomerId,
    /// Its line now.
    pub line: Line,
    /// Whether the change is one the customer sees (a reply, a status), or internal (a note, an
    /// escalation): a customer's page hears only of the first.
    pub public: bool,
}

impl Store {
    /// The newest timeline entry's id (0 when there is none): where a new follower starts.
    pub async fn last_event_id(&self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COALESCE(MAX(id), 0) AS n FROM ticket_events")
            .fetch_one(&self.pool)
            .await?;
        Ok(row.try_get("n")?)
    }

    /// Changes recorded after `after`, oldest first, at most `limit`.
    pub async fn changes_since(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<TicketChange>, StoreError> {
        let rows = sqlx::query(
            "SELECT e.id, e.ticket_id, t.customer_id, t.line, e.public FROM ticket_events e \
             JOIN tickets t ON t.id = e.ticket_id WHERE e.id > $1 ORDER BY e.id LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(TicketChange {
                    event_id: r.try_get("id")?,
                    ticket_id: TicketId(r.try_get("ticket_id")?),
                    customer_id: CustomerId(r.try_get("customer_id")?),
                    line: Line::try_from(r.try_get::<i64, _>("line")?)
                        .map_err(|_| StoreError::Corrupt("line".to_owned()))?,
                    public: r.try_get::<i64, _>("public")? != 0,
                })
            })
            .collect()
    }
}

//! Outbox delivery: claiming due messages for a deliverer and recording how each attempt went.
//!
//! A claim pushes the row's `next_attempt_at` forward by a lease in the claiming transaction, so
//! another node (or a second round on this one) does not take a message that is being delivered;
//! a node that dies mid-delivery leaves it to be claimed again when the lease runs out.

use jiff::{SignedDuration, Timestamp};
use sqlx::Row;

use crate::time::{from_db, to_db};
use crate::{OutboxMessage, Store, StoreError, TicketId, own_sql};

/// A message claimed for delivery.
#[derive(Clone, Debug, PartialEq)]
pub struct ClaimedMessage {
    /// The message.
    pub message: OutboxMessage,
    /// Attempts that failed before this one.
    pub attempts: i64,
}

impl Store {
    /// Claims up to `limit` undelivered messages whose next attempt is due at `now`, oldest
    /// first, and holds them for `lease`.
    pub async fn claim_outbox(
        &self,
        now: Timestamp,
        limit: i64,
        lease: SignedDuration,
    ) -> Result<Vec<ClaimedMessage>, StoreError> {
        let skip_locked = match self.backend() {
            crate::Backend::Sqlite => "",
            crate::Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        };
        let sql = format!(
            "UPDATE outbox SET next_attempt_at = $2 \
             WHERE id IN (SELECT id FROM outbox WHERE delivered_at IS NULL \
               AND (next_attempt_at IS NULL OR next_attempt_at <= $1) ORDER BY id LIMIT $3{skip_locked}) \
             RETURNING id, at, kind, ticket_id, payload, attempts"
        );
        let mut tx = self.begin_write().await?;
        let rows = sqlx::query(own_sql(sql))
            .bind(to_db(now))
            .bind(to_db(now.saturating_add(lease).unwrap_or(now)))
            .bind(limit.clamp(1, 10_000))
            .fetch_all(&mut *tx)
            .await?;
        tx.commit().await?;
        let mut claimed = rows
            .iter()
            .map(|r| {
                Ok(ClaimedMessage {
                    message: OutboxMessage {
                        id: r.try_get("id")?,
                        at: from_db(r.try_get("at")?)?,
                        kind: r.try_get("kind")?,
                        ticket_id: r.try_get::<Option<i64>, _>("ticket_id")?.map(TicketId),
                        payload: serde_json::from_str(&r.try_get::<String, _>("payload")?)
                            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    },
                    attempts: r.try_get("attempts")?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        // RETURNING gives no order; deliveries go out in the order they were written.
        claimed.sort_by_key(|c| c.message.id);
        Ok(claimed)
    }

    /// Records that message `id` was delivered.
    pub async fn outbox_delivered(&self, id: i64, now: Timestamp) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE outbox SET delivered_at = $1, last_error = NULL WHERE id = $2")
            .bind(to_db(now))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a failed attempt at message `id` and when the next may start.
    pub async fn outbox_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Timestamp,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2 WHERE id = $3",
        )
        .bind(error)
        .bind(to_db(retry_at))
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

//! The per-system incident lease: one opener per system across every node.

use jiff::{SignedDuration, Timestamp};

use super::Opening;
use crate::time::to_db;
use crate::{Store, StoreError, TicketId};

/// How long a node may hold a system's incident lease.
const LEASE: SignedDuration = SignedDuration::from_secs(30);

impl Store {
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
}

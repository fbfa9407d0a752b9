//! The audit log: every write and every sign-in, in the same transaction as what it records.

use jiff::Timestamp;
use sqlx::{Any, Transaction};

use crate::time::to_db;
use crate::{StoreError, UserId};

pub(crate) async fn record(
    tx: &mut Transaction<'static, Any>,
    at: Timestamp,
    actor: Option<UserId>,
    action: &str,
    object: &str,
    detail: &serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, action, object, detail) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(to_db(at))
    .bind(actor.map(|u| u.0))
    .bind(action)
    .bind(object)
    .bind(detail.to_string())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// One audit entry as listed.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct AuditEntry {
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor_id: Option<UserId>,
    /// What was done (`ticket.create`, `token.create`, `signin.failed` …).
    pub action: String,
    /// To what (`ticket:12`).
    pub object: String,
    /// Details.
    pub detail: serde_json::Value,
}

impl crate::Store {
    /// The latest audit entries, newest first (administrators only).
    pub async fn audit_log(
        &self,
        viewer: &crate::Viewer,
        limit: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        use sqlx::Row;
        viewer.require_admin()?;
        let rows = sqlx::query(
            "SELECT at, actor_id, action, object, detail FROM audit_log ORDER BY id DESC LIMIT $1",
        )
        .bind(limit.clamp(1, 1000))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    at: crate::time::from_db(r.try_get("at")?)?,
                    actor_id: r.try_get::<Option<i64>, _>("actor_id")?.map(UserId),
                    action: r.try_get("action")?,
                    object: r.try_get("object")?,
                    detail: serde_json::from_str(&r.try_get::<String, _>("detail")?)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                })
            })
            .collect()
    }
}

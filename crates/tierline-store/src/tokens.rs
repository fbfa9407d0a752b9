//! API tokens: created for a user, shown once, stored as a digest, looked up by it.

use jiff::Timestamp;
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::time::{from_db, opt_from_db, to_db};
use crate::users::viewer_of;
use crate::{Store, StoreError, TokenId, TokenInfo, UserId, Viewer, audit, secrets};

fn token(r: &AnyRow) -> Result<TokenInfo, StoreError> {
    Ok(TokenInfo {
        id: TokenId(r.try_get("id")?),
        user_id: UserId(r.try_get("user_id")?),
        name: r.try_get("name")?,
        created_at: from_db(r.try_get("created_at")?)?,
        revoked_at: opt_from_db(r.try_get("revoked_at")?)?,
    })
}

impl Store {
    /// Creates a token for `user_id` and returns its secret, which is not stored and cannot be
    /// shown again. Users make their own; administrators make anyone's; `viewer: None` is the
    /// operator's command line.
    pub async fn create_token(
        &self,
        viewer: Option<&Viewer>,
        user_id: UserId,
        name: &str,
        now: Timestamp,
    ) -> Result<(TokenInfo, String), StoreError> {
        if let Some(v) = viewer
            && v.user_id != user_id
        {
            v.require_admin()?;
        }
        let name = crate::customers::non_empty("name", name, 200)?;
        let owner = self
            .user_unscoped(user_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        if owner.disabled {
            return Err(StoreError::invalid("user_id", "the user is disabled"));
        }
        let (secret, digest) = secrets::new_token();
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(
            "INSERT INTO api_tokens (user_id, name, digest, created_at) VALUES ($1, $2, $3, $4) \
             RETURNING id, user_id, name, created_at, revoked_at",
        )
        .bind(user_id.0)
        .bind(&name)
        .bind(digest)
        .bind(to_db(now))
        .fetch_one(&mut *tx)
        .await?;
        let t = token(&row)?;
        audit::record(
            &mut tx,
            now,
            viewer.map(|v| v.user_id),
            "token.create",
            &format!("token:{}", t.id),
            &json!({"user_id": user_id, "name": name}),
        )
        .await?;
        tx.commit().await?;
        Ok((t, secret))
    }

    /// The viewer a token stands for, if it is valid: not revoked, its user not disabled.
    pub async fn viewer_for_token(&self, secret: &str) -> Result<Option<Viewer>, StoreError> {
        if !secret.starts_with(secrets::TOKEN_PREFIX) {
            return Ok(None);
        }
        // One round trip: this runs on every API request.
        let row = sqlx::query(
            "SELECT u.id, u.email, u.name, u.role, u.customer_id, u.lines, u.disabled, u.created_at \
             FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.digest = $1 AND t.revoked_at IS NULL",
        )
        .bind(secrets::token_digest(secret))
        .fetch_optional(&self.pool)
        .await?;
        let user = row.as_ref().map(crate::users::user).transpose()?;
        Ok(user.filter(|u| !u.disabled).as_ref().map(viewer_of))
    }

    /// Revokes a token (its owner or an administrator).
    pub async fn revoke_token(
        &self,
        viewer: &Viewer,
        id: TokenId,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let row = sqlx::query(
            "SELECT id, user_id, name, created_at, revoked_at FROM api_tokens WHERE id = $1",
        )
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let t = token(&row)?;
        if t.user_id != viewer.user_id && viewer.role != crate::Role::Admin {
            return Err(StoreError::NotFound);
        }
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(to_db(now))
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            now,
            Some(viewer.user_id),
            "token.revoke",
            &format!("token:{id}"),
            &json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A user's tokens (the user or an administrator).
    pub async fn tokens(
        &self,
        viewer: &Viewer,
        user_id: UserId,
    ) -> Result<Vec<TokenInfo>, StoreError> {
        if user_id != viewer.user_id {
            viewer.require_admin()?;
        }
        let rows = sqlx::query("SELECT id, user_id, name, created_at, revoked_at FROM api_tokens WHERE user_id = $1 ORDER BY id")
            .bind(user_id.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(token).collect()
    }
}

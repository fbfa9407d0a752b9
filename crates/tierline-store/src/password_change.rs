//! A user changing their own password: the current one is checked under the sign-in limits (so a
//! stolen session cannot guess it faster than a sign-in could), and every other session ends.

use jiff::Timestamp;
use serde_json::json;

use crate::{Store, StoreError, Viewer, audit, secrets};

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

impl Store {
    /// Changes the viewer's own password. `keep_session` is the secret of the session the change
    /// is made from, which stays signed in; every other session of the user ends. API tokens stay:
    /// they are revoked one by one, or all at once by disabling the user.
    pub async fn change_own_password(
        &self,
        viewer: &Viewer,
        current: &str,
        new: &str,
        keep_session: Option<&str>,
        client: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        if new.chars().count() < MIN_PASSWORD_CHARS {
            return Err(StoreError::invalid(
                "new_password",
                format!("must be at least {MIN_PASSWORD_CHARS} characters"),
            ));
        }
        if new == current {
            return Err(StoreError::invalid(
                "new_password",
                "must differ from the current password",
            ));
        }
        let me = self
            .user_unscoped(viewer.user_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let hash = secrets::hash_password(new)?;
        let (user_id, mut tx) = match self.check_password(&me.email, current, client, now).await {
            Err(StoreError::BadCredentials) => {
                return Err(StoreError::invalid(
                    "current_password",
                    "is not your current password",
                ));
            }
            other => other?,
        };
        if user_id != viewer.user_id {
            return Err(StoreError::NotFound);
        }
        sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
            .bind(hash)
            .bind(user_id.0)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND digest <> $2")
            .bind(user_id.0)
            .bind(keep_session.map(secrets::token_digest).unwrap_or_default())
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            now,
            Some(user_id),
            "user.password",
            &format!("user:{user_id}"),
            &json!({"client": client}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

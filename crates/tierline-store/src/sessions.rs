//! Signing in with a password, and the sessions behind the web app's cookie.
//!
//! Failed attempts are recorded in the database (so every node sees them and a restart forgets
//! nothing) and a burst of them, per address or per client, is refused for a while. Every
//! attempt, good or bad, is in the audit log.

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use sqlx::Row;

use crate::time::to_db;
use crate::users::viewer_of;
use crate::{Store, StoreError, UserId, Viewer, audit, secrets};

/// How long a session lasts.
pub const SESSION_LIFETIME: SignedDuration = SignedDuration::from_hours(14 * 24);
/// The window in which failures are counted, and how many are allowed in it.
const WINDOW: SignedDuration = SignedDuration::from_mins(15);
const MAX_FAILURES_PER_EMAIL: i64 = 5;
const MAX_FAILURES_PER_CLIENT: i64 = 20;

/// A new session: the secret for the cookie, and who it is for.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Goes in the cookie; not stored.
    pub secret: String,
    /// The user signed in.
    pub viewer: Viewer,
    /// When it ends.
    pub expires_at: Timestamp,
}

/// A hash to verify against when the email is unknown, so both cases take the same time.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| secrets::hash_password("a decoy password nobody has").unwrap_or_default())
}

impl Store {
    /// Checks an email and password; on success opens a session. `client` identifies where the
    /// attempt came from (the remote address) for rate limiting.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        client: &str,
        now: Timestamp,
    ) -> Result<NewSession, StoreError> {
        let email = email.trim().to_lowercase();
        let since = to_db(now - WINDOW);
        let count = |sql: &'static str, key: String| async move {
            sqlx::query(sql)
                .bind(key)
                .bind(since)
                .fetch_one(&self.pool)
                .await
                .and_then(|r| r.try_get::<i64, _>("n"))
        };
        let by_email = count(
            "SELECT COUNT(*) AS n FROM signin_failures WHERE email = $1 AND at >= $2",
            email.clone(),
        )
        .await?;
        let by_client = count(
            "SELECT COUNT(*) AS n FROM signin_failures WHERE client = $1 AND at >= $2",
            client.to_owned(),
        )
        .await?;
        if by_email >= MAX_FAILURES_PER_EMAIL || by_client >= MAX_FAILURES_PER_CLIENT {
            return Err(StoreError::RateLimited(WINDOW.as_secs().unsigned_abs()));
        }
        let row = sqlx::query("SELECT id, password_hash, disabled FROM users WHERE email = $1")
            .bind(&email)
            .fetch_optional(&self.pool)
            .await?;
        let (user_id, hash, disabled) = match &row {
            Some(r) => (
                Some(UserId(r.try_get("id")?)),
                r.try_get::<Option<String>, _>("password_hash")?,
                r.try_get::<i64, _>("disabled")? != 0,
            ),
            None => (None, None, false),
        };
        let candidate = password.to_owned();
        let stored = hash.clone().unwrap_or_else(|| decoy_hash().to_owned());
        // argon2 takes tens of milliseconds of CPU: off the async workers.
        let matches = verify_off_workers(candidate, stored).await && hash.is_some();
        let mut tx = self.begin_write().await?;
        let Some(user_id) = user_id.filter(|_| matches && !disabled) else {
            sqlx::query("INSERT INTO signin_failures (at, email, client) VALUES ($1, $2, $3)")
                .bind(to_db(now))
                .bind(&email)
                .bind(client)
                .execute(&mut *tx)
                .await?;
            audit::record(
                &mut tx,
                now,
                user_id,
                "signin.failed",
                &format!("email:{email}"),
                &json!({"client": client}),
            )
            .await?;
            tx.commit().await?;
            return Err(StoreError::BadCredentials);
        };
        sqlx::query("DELETE FROM signin_failures WHERE email = $1")
            .bind(&email)
            .execute(&mut *tx)
            .await?;
        let (secret, digest) = secrets::new_token();
        let expires_at = now + SESSION_LIFETIME;
        sqlx::query("INSERT INTO sessions (digest, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(digest)
            .bind(user_id.0)
            .bind(to_db(now))
            .bind(to_db(expires_at))
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            now,
            Some(user_id),
            "signin.ok",
            &format!("user:{user_id}"),
            &json!({"client": client}),
        )
        .await?;
        tx.commit().await?;
        let user = self
            .user_unscoped(user_id)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok(NewSession {
            secret,
            viewer: viewer_of(&user),
            expires_at,
        })
    }

    /// The viewer of a session cookie, if it is current and its user is not disabled.
    pub async fn viewer_for_session(
        &self,
        secret: &str,
        now: Timestamp,
    ) -> Result<Option<Viewer>, StoreError> {
        let row = sqlx::query("SELECT user_id FROM sessions WHERE digest = $1 AND expires_at > $2")
            .bind(secrets::token_digest(secret))
            .bind(to_db(now))
            .fetch_optional(&self.pool)
            .await?;
        let Some(row) = row else { return Ok(None) };
        let user = self.user_unscoped(UserId(row.try_get("user_id")?)).await?;
        Ok(user.filter(|u| !u.disabled).as_ref().map(viewer_of))
    }

    /// Ends a session.
    pub async fn sign_out(&self, secret: &str, now: Timestamp) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("DELETE FROM sessions WHERE digest = $1 RETURNING user_id")
            .bind(secrets::token_digest(secret))
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(r) = row {
            let user = UserId(r.try_get("user_id")?);
            audit::record(
                &mut tx,
                now,
                Some(user),
                "signout",
                &format!("user:{user}"),
                &json!({}),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

async fn verify_off_workers(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || secrets::verify_password(&password, &hash))
        .await
        .unwrap_or(false)
}

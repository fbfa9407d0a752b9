//! Signing in with a password, and the sessions behind the web app's cookie.
//!
//! An attempt is recorded in the database *before* its password is checked, so concurrent
//! attempts count each other and no burst gets more checks than the limit (every node sees the
//! records, and a restart forgets nothing). Per address: [`MAX_FAILURES_PER_EMAIL`] in
//! [`WINDOW`], then the address waits. Per client (the remote address, or the one a trusted
//! proxy forwarded): past [`CLIENT_FREE_FAILURES`] each further attempt must wait a delay that
//! doubles up to [`MAX_CLIENT_DELAY`], so a shared proxy address slows down instead of locking
//! everyone out. The argon2 checks themselves run on the store's few verifier threads
//! (`verifier.rs`): a burst beyond them waits [`VERIFY_WAIT`] at most and is then refused as
//! busy, so memory stays flat.
//! Every checked attempt, good or bad, is in the audit log.

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use sqlx::Row;

use crate::time::{from_db, to_db};
use crate::users::viewer_of;
use crate::{Store, StoreError, UserId, Viewer, audit, secrets};

/// How long a session lasts.
pub const SESSION_LIFETIME: SignedDuration = SignedDuration::from_hours(14 * 24);
/// The window in which failures are counted.
pub const WINDOW: SignedDuration = SignedDuration::from_mins(15);
/// Failures allowed per sign-in address in [`WINDOW`].
pub const MAX_FAILURES_PER_EMAIL: i64 = 5;
/// Failures per client in [`WINDOW`] before its attempts are slowed down.
pub const CLIENT_FREE_FAILURES: i64 = 20;
/// The longest a slowed-down client waits between attempts.
pub const MAX_CLIENT_DELAY: SignedDuration = SignedDuration::from_secs(60);
/// How long an attempt waits for a free password check before it is refused as busy.
pub const VERIFY_WAIT: std::time::Duration = std::time::Duration::from_secs(2);
/// The longest sign-in address looked at (longer ones cannot be a user's).
const MAX_EMAIL_LEN: usize = 254;

/// How many password checks run at once on one node: argon2 takes ~19 MiB and tens of
/// milliseconds of one core each, so more than the cores only queue memory.
pub fn verification_permits() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 8))
}

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

/// The wait a client past its free failures owes before its next attempt.
fn client_delay(failures: i64) -> SignedDuration {
    let over = u32::try_from(failures - CLIENT_FREE_FAILURES)
        .unwrap_or(0)
        .min(16);
    SignedDuration::from_secs(1_i64 << over).min(MAX_CLIENT_DELAY)
}

/// Whole seconds to wait, at least one.
fn retry_secs(d: SignedDuration) -> u64 {
    d.as_secs().max(1).unsigned_abs()
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
        let (user_id, mut tx) = self.check_password(email, password, client, now).await?;
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

impl Store {
    /// Checks a password under the sign-in limits (the attempt counted first, the check under
    /// the store's semaphore); on success the failures of the address are forgotten, and the
    /// write transaction that did so is handed back to go on with.
    pub(crate) async fn check_password(
        &self,
        email: &str,
        password: &str,
        client: &str,
        now: Timestamp,
    ) -> Result<(UserId, sqlx::Transaction<'static, sqlx::Any>), StoreError> {
        let email = email.trim().to_lowercase();
        if email.len() > MAX_EMAIL_LEN {
            return Err(StoreError::BadCredentials);
        }
        let attempt = self.reserve_attempt(&email, client, now).await?;
        if let Err(e) = self.may_attempt(&email, client, &attempt, now).await {
            self.drop_attempt(&attempt).await?;
            return Err(e);
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
        let stored = hash.clone().unwrap_or_else(|| decoy_hash().to_owned());
        let Ok(matches) = self
            .verifier
            .verify(password.to_owned(), stored, VERIFY_WAIT)
            .await
        else {
            self.drop_attempt(&attempt).await?;
            return Err(StoreError::Busy(1));
        };
        let matches = matches && hash.is_some();
        let mut tx = self.begin_write().await?;
        let Some(user_id) = user_id.filter(|_| matches && !disabled) else {
            // The reservation stays: it is the failure's record.
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
        Ok((user_id, tx))
    }

    /// Records an attempt before its password is checked; returns its name.
    async fn reserve_attempt(
        &self,
        email: &str,
        client: &str,
        now: Timestamp,
    ) -> Result<String, StoreError> {
        let (attempt, _) = secrets::new_token();
        let mut tx = self.begin_write().await?;
        sqlx::query(
            "INSERT INTO signin_failures (at, email, client, attempt) VALUES ($1, $2, $3, $4)",
        )
        .bind(to_db(now))
        .bind(email)
        .bind(client)
        .bind(&attempt)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(attempt)
    }

    /// Forgets an attempt refused before its password was checked.
    async fn drop_attempt(&self, attempt: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM signin_failures WHERE attempt = $1")
            .bind(attempt)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether a reserved attempt may have its password checked: the committed attempts of the
    /// window, this one among them, are within the limits.
    async fn may_attempt(
        &self,
        email: &str,
        client: &str,
        attempt: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let since = to_db(now - WINDOW);
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, MIN(at) AS oldest FROM signin_failures WHERE email = $1 AND at >= $2",
        )
        .bind(email)
        .bind(since)
        .fetch_one(&self.pool)
        .await?;
        let by_email: i64 = row.try_get("n")?;
        if by_email > MAX_FAILURES_PER_EMAIL {
            let oldest = from_db(row.try_get::<Option<i64>, _>("oldest")?.unwrap_or(since))?;
            return Err(StoreError::RateLimited(retry_secs(
                now.duration_until(oldest + WINDOW),
            )));
        }
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, MAX(at) AS latest FROM signin_failures \
             WHERE client = $1 AND at >= $2 AND (attempt IS NULL OR attempt <> $3)",
        )
        .bind(client)
        .bind(since)
        .bind(attempt)
        .fetch_one(&self.pool)
        .await?;
        let before: i64 = row.try_get("n")?;
        if before >= CLIENT_FREE_FAILURES {
            let latest = from_db(row.try_get::<Option<i64>, _>("latest")?.unwrap_or(since))?;
            let ready = latest + client_delay(before + 1);
            if ready > now {
                return Err(StoreError::RateLimited(retry_secs(
                    now.duration_until(ready),
                )));
            }
        }
        Ok(())
    }
}

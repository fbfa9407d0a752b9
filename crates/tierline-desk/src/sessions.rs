//! Who is asking and how the desk stands: sign-in, sessions, tokens, a person's preferences,
//! the health check, the metrics' counts and the change feed live pages follow. Pass-throughs.

use crate::prelude::*;

impl Desk {
    /// A user's display name and preferences: what every page needs of them, in one read.
    pub async fn name_and_prefs(&self, user: UserId) -> Result<(String, Prefs), DeskError> {
        Ok(self.store.name_and_prefs(user).await?)
    }

    /// A user's preferences.
    pub async fn prefs(&self, user: UserId) -> Result<Prefs, DeskError> {
        Ok(self.store.prefs(user).await?)
    }

    /// Sets a user's own preferences. The caller checks the values (a known language, a time
    /// zone the zone database has); the store keeps them short.
    pub async fn set_prefs(&self, user: UserId, prefs: &Prefs) -> Result<(), DeskError> {
        Ok(self.store.set_prefs(user, prefs).await?)
    }

    /// Checks an email and password; on success opens a session. `client` identifies where the
    /// attempt came from (the remote address) for rate limiting.
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        client: &str,
        now: Timestamp,
    ) -> Result<NewSession, DeskError> {
        Ok(self.store.sign_in(email, password, client, now).await?)
    }

    /// Ends a session.
    pub async fn sign_out(&self, secret: &str, now: Timestamp) -> Result<(), DeskError> {
        Ok(self.store.sign_out(secret, now).await?)
    }

    /// The viewer of a session cookie, if it is current and its user is not disabled.
    pub async fn viewer_for_session(
        &self,
        secret: &str,
        now: Timestamp,
    ) -> Result<Option<Viewer>, DeskError> {
        Ok(self.store.viewer_for_session(secret, now).await?)
    }

    /// The viewer a token stands for, if it is valid: not revoked, its user not disabled.
    pub async fn viewer_for_token(&self, secret: &str) -> Result<Option<Viewer>, DeskError> {
        Ok(self.store.viewer_for_token(secret).await?)
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), DeskError> {
        Ok(self.store.ping().await?)
    }

    /// The desk's counts at `now`, for every organisation (metrics are the operator's).
    pub async fn stats(&self, now: Timestamp) -> Result<DeskStats, DeskError> {
        Ok(self.store.stats(now).await?)
    }

    /// Changes recorded after `after`, oldest first, at most `limit`.
    pub async fn changes_since(
        &self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<TicketChange>, DeskError> {
        Ok(self.store.changes_since(after, limit).await?)
    }

    /// The newest timeline entry's id (0 when there is none): where a new follower starts.
    pub async fn last_event_id(&self) -> Result<i64, DeskError> {
        Ok(self.store.last_event_id().await?)
    }
}

//! What a user chose for the web app: language and time zone.

use sqlx::Row;

use crate::{Store, StoreError, UserId};

/// A user's display preferences; `None` follows the browser.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Prefs {
    /// `en`, `ru` or `uk`.
    pub language: Option<String>,
    /// An IANA time zone name.
    pub time_zone: Option<String>,
}

impl Store {
    /// A user's preferences.
    pub async fn prefs(&self, user: UserId) -> Result<Prefs, StoreError> {
        Ok(self.name_and_prefs(user).await?.1)
    }

    /// A user's display name and preferences: what every page needs of them, in one read.
    pub async fn name_and_prefs(&self, user: UserId) -> Result<(String, Prefs), StoreError> {
        let row = sqlx::query("SELECT name, language, time_zone FROM users WHERE id = $1")
            .bind(user.0)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        Ok((
            row.try_get("name")?,
            Prefs {
                language: row.try_get("language")?,
                time_zone: row.try_get("time_zone")?,
            },
        ))
    }

    /// Sets a user's own preferences. The caller checks the values (a known language, a time
    /// zone the zone database has); the store keeps them short.
    pub async fn set_prefs(&self, user: UserId, prefs: &Prefs) -> Result<(), StoreError> {
        for (field, v) in [
            ("language", &prefs.language),
            ("time_zone", &prefs.time_zone),
        ] {
            if v.as_ref().is_some_and(|v| v.len() > 64) {
                return Err(StoreError::invalid(field, "is too long"));
            }
        }
        let mut tx = self.begin_write().await?;
        sqlx::query("UPDATE users SET language = $1, time_zone = $2 WHERE id = $3")
            .bind(prefs.language.clone())
            .bind(prefs.time_zone.clone())
            .bind(user.0)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}

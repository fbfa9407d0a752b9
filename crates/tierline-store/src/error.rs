//! What storage can fail with, in terms the HTTP layer can map without knowing SQL.

/// A storage error.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No such object, or one the viewer may not see (the two are not told apart).
    #[error("not found")]
    NotFound,
    /// The viewer may see the object but not do this to it.
    #[error("not allowed: {0}")]
    Forbidden(&'static str),
    /// A value that breaks a rule, with the field it belongs to.
    #[error("{field}: {message}")]
    Invalid {
        /// The field, as named in the API.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
    /// Wrong email or password (which of the two is not said).
    #[error("wrong email or password")]
    BadCredentials,
    /// Too many failed attempts; try again after this many seconds.
    #[error("too many failed attempts; try again in {0} seconds")]
    RateLimited(u64),
    /// Too much of this is being done at once; try again after this many seconds.
    #[error("the server is busy; try again in {0} seconds")]
    Busy(u64),
    /// An upload over the customer's attachment quota or rate; nothing of it was stored.
    #[error("{0}")]
    UploadRefused(crate::UploadRefusal),
    /// A unique value already taken.
    #[error("{0} already exists")]
    Conflict(&'static str),
    /// The database failed.
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// Stored data that does not parse: a bug or a hand edit, never the user's fault.
    #[error("stored data is corrupt: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for StoreError {
    /// A database error; text PostgreSQL cannot hold (NUL, SQLSTATE 22021) is the caller's
    /// fault, not the server's: every field is checked before it gets here, so this only
    /// guards a way in that forgot to.
    fn from(e: sqlx::Error) -> StoreError {
        match &e {
            sqlx::Error::Database(db) if db.code().as_deref() == Some("22021") => {
                StoreError::invalid("text", "must not contain NUL characters")
            }
            _ => StoreError::Database(e),
        }
    }
}

impl StoreError {
    pub(crate) fn invalid(field: &'static str, message: impl Into<String>) -> StoreError {
        StoreError::Invalid {
            field,
            message: message.into(),
        }
    }

    /// Maps a unique violation to a conflict on `what`; anything else stays a database error.
    pub(crate) fn unique(e: sqlx::Error, what: &'static str) -> StoreError {
        match &e {
            sqlx::Error::Database(db) if db.kind() == sqlx::error::ErrorKind::UniqueViolation => {
                StoreError::Conflict(what)
            }
            _ => StoreError::from(e),
        }
    }
}

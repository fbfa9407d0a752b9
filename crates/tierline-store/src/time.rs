//! Instants in the database: BIGINT nanoseconds since the Unix epoch.

use jiff::Timestamp;

use crate::StoreError;

pub(crate) fn to_db(t: Timestamp) -> i64 {
    // Every instant the desk handles lies within i64 nanoseconds (1678–2262); the API refuses
    // others before they get here, so saturating only guards against a bug.
    i64::try_from(t.as_nanosecond()).unwrap_or(if t < Timestamp::UNIX_EPOCH {
        i64::MIN
    } else {
        i64::MAX
    })
}

pub(crate) fn from_db(n: i64) -> Result<Timestamp, StoreError> {
    Timestamp::from_nanosecond(i128::from(n)).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub(crate) fn opt_from_db(n: Option<i64>) -> Result<Option<Timestamp>, StoreError> {
    n.map(from_db).transpose()
}

//! Figures for the metrics endpoint: what is open where, and what is past due.

use jiff::Timestamp;
use sqlx::Row;

use crate::time::to_db;
use crate::{Store, StoreError};

/// Counts of the desk's state at one instant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeskStats {
    /// Open (not resolved or closed) tickets per (line, class).
    pub open_by_line_and_class: Vec<(i64, i64, i64)>,
    /// Open tickets whose nearest running clock is past due.
    pub breached: i64,
    /// Timers waiting to fire.
    pub pending_timers: i64,
}

impl Store {
    /// The desk's counts at `now`, for every organisation (metrics are the operator's).
    pub async fn stats(&self, now: Timestamp) -> Result<DeskStats, StoreError> {
        let rows = sqlx::query(
            "SELECT line, class, COUNT(*) AS n FROM tickets WHERE status NOT IN ('resolved', 'closed') GROUP BY line, class",
        )
        .fetch_all(&self.pool)
        .await?;
        let open_by_line_and_class = rows
            .iter()
            .map(|r| Ok((r.try_get("line")?, r.try_get("class")?, r.try_get("n")?)))
            .collect::<Result<_, sqlx::Error>>()?;
        let breached = sqlx::query("SELECT COUNT(*) AS n FROM tickets WHERE next_due_at < $1")
            .bind(to_db(now))
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        let pending_timers =
            sqlx::query("SELECT COUNT(*) AS n FROM clock_timers WHERE fired_at IS NULL")
                .fetch_one(&self.pool)
                .await?
                .try_get("n")?;
        Ok(DeskStats {
            open_by_line_and_class,
            breached,
            pending_timers,
        })
    }
}

//! How much a customer may keep in attachments, and how fast it may add to them.
//!
//! Probing stored 240 MiB in 1.4 s with eight requests: every file was bounded, every customer
//! was not. Each customer now has a storage quota and an upload rate ([`UploadLimits`]), summed
//! from the attachments of its tickets inside the upload's own write transaction, after the
//! customer's row is locked (SQLite's write transaction already holds the whole database), so
//! concurrent uploads queue and cannot overshoot. A file an agent attaches to a customer's
//! ticket counts against that customer: the storage is the customer's, whoever sent it. A
//! refused upload stores nothing of itself and takes nothing away.

use jiff::{SignedDuration, Timestamp};
use sqlx::{Any, Row, Transaction};

use crate::time::{from_db, to_db};
use crate::{CustomerId, Store, StoreError};

/// What all of one customer's attachments may take together, by default: 2 GiB.
pub const CUSTOMER_QUOTA_BYTES: u64 = 2 * 1024 * 1024 * 1024;
/// What one customer may upload within [`UPLOAD_RATE_WINDOW`], by default: 200 MiB.
pub const CUSTOMER_RATE_BYTES: u64 = 200 * 1024 * 1024;
/// The window [`CUSTOMER_RATE_BYTES`] is counted over: an hour.
pub const UPLOAD_RATE_WINDOW: SignedDuration = SignedDuration::from_hours(1);

/// The limits on customers' attachments, one place for a configuration to set them
/// ([`Store::with_upload_limits`]); [`Default`] gives the constants above.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UploadLimits {
    /// Bytes all of a customer's attachments may take.
    pub quota_bytes: u64,
    /// Bytes a customer may upload within `rate_window`.
    pub rate_bytes: u64,
    /// The window the rate is counted over (by the attachments' `created_at`).
    pub rate_window: SignedDuration,
}

impl Default for UploadLimits {
    fn default() -> UploadLimits {
        UploadLimits {
            quota_bytes: CUSTOMER_QUOTA_BYTES,
            rate_bytes: CUSTOMER_RATE_BYTES,
            rate_window: UPLOAD_RATE_WINDOW,
        }
    }
}

/// Why an upload was refused. Nothing of it was stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UploadRefusal {
    /// The customer's attachments would take more than the quota.
    #[error(
        "the customer's files would take more than its quota of {quota_bytes} bytes \
         ({used_bytes} stored, {size_bytes} sent); nothing was added"
    )]
    Quota {
        /// The quota.
        quota_bytes: u64,
        /// What the customer's attachments take now.
        used_bytes: u64,
        /// What this upload would add.
        size_bytes: u64,
    },
    /// The customer uploaded too much within the window.
    #[error(
        "the customer may upload {rate_bytes} bytes per {window_secs} s and has uploaded \
         {recent_bytes} ({size_bytes} sent); nothing was added; try again in {retry_after_secs} s"
    )]
    Rate {
        /// The rate.
        rate_bytes: u64,
        /// Its window, in seconds.
        window_secs: u64,
        /// What was uploaded within the window.
        recent_bytes: u64,
        /// What this upload would add.
        size_bytes: u64,
        /// When the same upload would fit, in seconds from now.
        retry_after_secs: u64,
    },
}

fn window_start(now: Timestamp, window: SignedDuration) -> Timestamp {
    now.checked_sub(window).unwrap_or(Timestamp::MIN)
}

fn bytes(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// One customer's attachments by size: all of them, and those stored after `since`.
async fn usage<'e, E>(
    db: E,
    customer: CustomerId,
    since: Timestamp,
) -> Result<(u64, u64), StoreError>
where
    E: sqlx::Executor<'e, Database = Any>,
{
    // CAST: PostgreSQL's SUM of BIGINT is NUMERIC, which the Any driver does not decode.
    // Both sums are read from the index attachments_usage alone (migration 0023).
    let row = sqlx::query(
        "SELECT CAST(COALESCE(SUM(a.size), 0) AS BIGINT) AS used, \
         CAST(COALESCE(SUM(CASE WHEN a.created_at > $2 THEN a.size ELSE 0 END), 0) AS BIGINT) AS recent \
         FROM attachments a JOIN tickets t ON t.id = a.ticket_id WHERE t.customer_id = $1",
    )
    .bind(customer.0)
    .bind(to_db(since))
    .fetch_one(db)
    .await?;
    Ok((bytes(row.try_get("used")?), bytes(row.try_get("recent")?)))
}

impl Store {
    /// The same store with other upload limits (tests, and a configuration once there is one).
    pub fn with_upload_limits(mut self, limits: UploadLimits) -> Store {
        self.uploads = limits;
        self
    }

    /// The upload limits in force.
    pub fn upload_limits(&self) -> UploadLimits {
        self.uploads
    }

    /// Whether `size` more bytes may be uploaded for `customer` now: a read, to refuse before
    /// doing other work (a new request is not opened for files that cannot be kept). The write
    /// checks again.
    pub async fn check_upload(
        &self,
        customer: CustomerId,
        size: u64,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let since = window_start(now, self.uploads.rate_window);
        let (used, recent) = usage(&self.pool, customer, since).await?;
        self.verdict(customer, used, recent, size, now, &self.pool)
            .await
    }

    /// Checks `size` more bytes for `customer` inside the upload's write transaction, with the
    /// customer's row locked first: concurrent uploads for one customer wait here for each
    /// other. `FOR NO KEY UPDATE` rather than `FOR UPDATE`, so that opening a ticket (whose
    /// foreign key takes a key-share lock on the customer) never waits for an upload.
    pub(crate) async fn reserve_upload(
        &self,
        tx: &mut Transaction<'static, Any>,
        customer: CustomerId,
        size: u64,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let lock = self.dialect().for_no_key_update();
        sqlx::query(crate::own_sql(format!(
            "SELECT id FROM customers WHERE id = $1{lock}"
        )))
        .bind(customer.0)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        let since = window_start(now, self.uploads.rate_window);
        let (used, recent) = usage(&mut **tx, customer, since).await?;
        self.verdict(customer, used, recent, size, now, &mut **tx)
            .await
    }

    /// The quota first (waiting does not help), then the rate, with when it would pass.
    async fn verdict<'e, E>(
        &self,
        customer: CustomerId,
        used: u64,
        recent: u64,
        size: u64,
        now: Timestamp,
        db: E,
    ) -> Result<(), StoreError>
    where
        E: sqlx::Executor<'e, Database = Any>,
    {
        let limits = self.uploads;
        if used.saturating_add(size) > limits.quota_bytes {
            return Err(StoreError::UploadRefused(UploadRefusal::Quota {
                quota_bytes: limits.quota_bytes,
                used_bytes: used,
                size_bytes: size,
            }));
        }
        if recent.saturating_add(size) <= limits.rate_bytes {
            return Ok(());
        }
        let window_secs = limits.rate_window.as_secs().unsigned_abs();
        // The upload fits once enough of the window's oldest uploads have aged out of it.
        let mut retry_after_secs = window_secs;
        if size <= limits.rate_bytes {
            let since = window_start(now, limits.rate_window);
            let rows = sqlx::query(
                "SELECT a.created_at, a.size FROM attachments a JOIN tickets t ON t.id = a.ticket_id \
                 WHERE t.customer_id = $1 AND a.created_at > $2 ORDER BY a.created_at",
            )
            .bind(customer.0)
            .bind(to_db(since))
            .fetch_all(db)
            .await?;
            let mut left = recent;
            for r in rows {
                left = left.saturating_sub(bytes(r.try_get("size")?));
                if left.saturating_add(size) <= limits.rate_bytes {
                    let free_at = from_db(r.try_get("created_at")?)?
                        .checked_add(limits.rate_window)
                        .unwrap_or(Timestamp::MAX);
                    // It fits at `free_at` itself (the window excludes its start): whole
                    // seconds, rounded up.
                    let wait = free_at.duration_since(now);
                    let secs = wait.as_secs() + i64::from(wait.subsec_nanos() > 0);
                    retry_after_secs = secs.max(1).unsigned_abs().min(window_secs.max(1));
                    break;
                }
            }
        }
        Err(StoreError::UploadRefused(UploadRefusal::Rate {
            rate_bytes: limits.rate_bytes,
            window_secs,
            recent_bytes: recent,
            size_bytes: size,
            retry_after_secs,
        }))
    }
}

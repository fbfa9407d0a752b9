//! The outbox delivery task: hands each message the store wrote to its outbox to a
//! [`Deliverer`], retrying a failed delivery with backoff.
//!
//! The channels (mail, webhooks) are deliverers still to come; until then [`LogDeliverer`]
//! records each message in the log and marks it delivered.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use tierline_store::{OutboxMessage, Store};

use crate::{Backoff, RunFuture, Task, TaskError};

/// How often the outbox is looked at when it is empty.
const POLL: Duration = Duration::from_secs(1);
/// Messages claimed per round.
const BATCH: i64 = 100;
/// How long a claimed message is held for its deliverer before another round may take it.
const LEASE: SignedDuration = SignedDuration::from_mins(5);

/// Why a delivery failed; the message is tried again later.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct DeliveryError(pub String);

/// A channel outbox messages go out through.
pub trait Deliverer: Send + Sync + 'static {
    /// Delivers one message; an error leaves it to be retried.
    fn deliver<'a>(
        &'a self,
        message: &'a OutboxMessage,
    ) -> Pin<Box<dyn Future<Output = Result<(), DeliveryError>> + Send + 'a>>;
}

/// Records each message in the log: the deliverer until a real channel exists.
#[derive(Debug, Default, Clone, Copy)]
pub struct LogDeliverer;

impl Deliverer for LogDeliverer {
    fn deliver<'a>(
        &'a self,
        message: &'a OutboxMessage,
    ) -> Pin<Box<dyn Future<Output = Result<(), DeliveryError>> + Send + 'a>> {
        Box::pin(async move {
            tracing::info!(
                outbox_id = message.id,
                kind = %message.kind,
                ticket_id = message.ticket_id.map(|t| t.0),
                "outbox message delivered to the log"
            );
            Ok(())
        })
    }
}

/// Delivers the outbox.
pub struct OutboxDelivery {
    store: Store,
    deliverer: Arc<dyn Deliverer>,
    backoff: Backoff,
}

impl std::fmt::Debug for OutboxDelivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboxDelivery")
            .field("backoff", &self.backoff)
            .finish_non_exhaustive()
    }
}

impl OutboxDelivery {
    /// Delivers `store`'s outbox through `deliverer`; a failed message waits 10 s, 20 s, 40 s…
    /// up to an hour.
    pub fn new(store: Store, deliverer: Arc<dyn Deliverer>) -> OutboxDelivery {
        OutboxDelivery {
            store,
            deliverer,
            backoff: Backoff {
                base: Duration::from_secs(10),
                cap: Duration::from_secs(3600),
            },
        }
    }

    /// Waits these between attempts at one message.
    #[must_use]
    pub fn with_backoff(mut self, backoff: Backoff) -> OutboxDelivery {
        self.backoff = backoff;
        self
    }

    async fn round(&self, now: Timestamp) -> Result<Duration, TaskError> {
        let claimed = self.store.claim_outbox(now, BATCH, LEASE).await?;
        let full = i64::try_from(claimed.len()).unwrap_or(i64::MAX) >= BATCH;
        for c in claimed {
            let m = &c.message;
            match self.deliverer.deliver(m).await {
                Ok(()) => self.store.outbox_delivered(m.id, now).await?,
                Err(e) => {
                    let attempts = u32::try_from(c.attempts.saturating_add(1)).unwrap_or(u32::MAX);
                    let wait = self.backoff.delay(attempts);
                    let retry_at = SignedDuration::try_from(wait)
                        .ok()
                        .and_then(|d| now.checked_add(d).ok())
                        .unwrap_or(now);
                    tracing::warn!(outbox_id = m.id, kind = %m.kind, attempts, error = %e, retry_in_s = wait.as_secs(), "outbox delivery failed; retrying later");
                    metrics::counter!("tierline_outbox_delivery_failures_total", "kind" => m.kind.clone()).increment(1);
                    self.store.outbox_failed(m.id, &e.0, retry_at).await?;
                }
            }
        }
        Ok(if full { Duration::ZERO } else { POLL })
    }
}

impl Task for OutboxDelivery {
    fn name(&self) -> &'static str {
        "outbox"
    }

    fn interval(&self) -> Duration {
        POLL
    }

    fn run_due(&self, now: Timestamp) -> RunFuture<'_> {
        Box::pin(self.round(now))
    }
}

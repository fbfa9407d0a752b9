//! All of tierline's background work: one [`Task`] trait, one [`Supervisor`] that runs the tasks,
//! restarts a failed one with backoff and reports each one's health ([`JobsStatus`]).
//!
//! A task does one round when it is due and says when it wants the next; it never sleeps or
//! loops itself, so tests drive every task at a test clock with [`Supervisor::run_due_once`]
//! instead of waiting. The tasks that only need the store live here (SLA timers, outbox
//! delivery); those of other crates (monitor rounds, classifier refresh, the live feed) are
//! adapted where those crates meet, in the binary.

mod backoff;
mod outbox;
mod status;
mod supervisor;
mod timers;

pub use backoff::Backoff;
pub use outbox::{Deliverer, DeliveryError, LogDeliverer, OutboxDelivery};
pub use status::{JobsStatus, READY_MAX_FAILURES, TaskStatus};
pub use supervisor::{RunningJobs, Supervisor};
pub use timers::{POLL, SlaTimers, run_timers};

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use jiff::Timestamp;

/// What a round of a task returns: when the task wants its next round, or why it failed.
pub type RunFuture<'a> = Pin<Box<dyn Future<Output = Result<Duration, TaskError>> + Send + 'a>>;

/// A piece of background work, run a round at a time by the [`Supervisor`].
pub trait Task: Send + Sync + 'static {
    /// Its name in logs, metrics (`task` label) and `/readyz`.
    fn name(&self) -> &'static str;

    /// How often it normally runs: how late it may start before `/readyz` worries.
    fn interval(&self) -> Duration;

    /// One round at `now`: does what is due and returns how long to wait before the next
    /// (zero: more is due at once). An error counts as a failure; the supervisor retries with
    /// backoff.
    fn run_due(&self, now: Timestamp) -> RunFuture<'_>;

    /// Called once when the supervisor stops, to finish work in flight (write buffered results).
    fn stop(&self) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        Box::pin(async {})
    }
}

/// Why a round failed.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct TaskError(pub String);

impl TaskError {
    /// An error from anything displayable.
    pub fn msg(e: impl std::fmt::Display) -> TaskError {
        TaskError(e.to_string())
    }
}

impl From<tierline_store::StoreError> for TaskError {
    fn from(e: tierline_store::StoreError) -> TaskError {
        TaskError(e.to_string())
    }
}

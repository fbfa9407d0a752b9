//! The SLA timers task: fires warning and breach timers at their instant.
//!
//! A round fires what is due and asks to run again when the next pending timer falls due, but
//! never later than [`POLL`], so timers another node (or another transaction) adds are picked
//! up within that bound. Firing is claimed row by row in the store, so any number of nodes on
//! one database fire each timer once.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tierline_store::{Clock, Store};
use tokio::sync::watch;

use crate::{RunFuture, Supervisor, Task, TaskError};

/// The longest the timers task waits without looking.
pub const POLL: Duration = Duration::from_secs(1);
/// Timers fired per round; a backlog is worked off in rounds without waiting.
const BATCH: i64 = 500;

/// Fires SLA timers.
#[derive(Debug, Clone)]
pub struct SlaTimers {
    store: Store,
}

impl SlaTimers {
    /// The task on `store`.
    pub fn new(store: Store) -> SlaTimers {
        SlaTimers { store }
    }

    async fn round(&self, now: Timestamp) -> Result<Duration, TaskError> {
        let fired = self.store.fire_due_timers(now, BATCH).await?;
        for f in &fired {
            metrics::counter!("tierline_sla_timers_fired_total", "kind" => f.kind.clone(), "clock" => f.clock.clone()).increment(1);
        }
        if i64::try_from(fired.len()).unwrap_or(i64::MAX) >= BATCH {
            return Ok(Duration::ZERO);
        }
        Ok(match self.store.next_timer_at().await? {
            Some(at) => Duration::try_from(at.duration_since(now))
                .unwrap_or(Duration::ZERO)
                .min(POLL),
            None => POLL,
        })
    }
}

impl Task for SlaTimers {
    fn name(&self) -> &'static str {
        "sla_timers"
    }

    fn interval(&self) -> Duration {
        POLL
    }

    fn run_due(&self, now: Timestamp) -> RunFuture<'_> {
        Box::pin(self.round(now))
    }
}

/// Fires SLA timers until `stop` turns true: the timers task alone under a supervisor of its own.
pub async fn run_timers(store: Store, clock: Arc<dyn Clock>, mut stop: watch::Receiver<bool>) {
    let mut supervisor = Supervisor::new(clock);
    supervisor.add(Arc::new(SlaTimers::new(store)));
    let running = Arc::new(supervisor).start();
    while !*stop.borrow() {
        if stop.changed().await.is_err() {
            break;
        }
    }
    running.shutdown().await;
}

//! The one supervisor: runs every task's rounds, retries a failed (or panicked) round with
//! backoff, records each task's health and stops them all on shutdown.
//!
//! Started, each task runs in a loop of its own, waiting (wall time) as long as its last round
//! asked; the clock only says what `now` is. Tests skip the loops and call
//! [`Supervisor::run_due_once`] at the test clock's time.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use tierline_store::Clock;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::{Backoff, JobsStatus, Task, TaskError};

struct Slot {
    task: Arc<dyn Task>,
    /// Whether `start` runs it; a manual task runs only through `run_due_once` (tests).
    background: bool,
    /// When its next round is due, by the clock (none: now).
    due: Mutex<Option<Timestamp>>,
    /// Held for a round, so a task never runs two rounds at once.
    running: tokio::sync::Mutex<()>,
}

/// Runs background tasks; see the module's documentation.
pub struct Supervisor {
    clock: Arc<dyn Clock>,
    backoff: Backoff,
    status: Arc<JobsStatus>,
    slots: Vec<Arc<Slot>>,
}

impl std::fmt::Debug for Supervisor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<_> = self.slots.iter().map(|s| s.task.name()).collect();
        f.debug_struct("Supervisor")
            .field("tasks", &names)
            .field("backoff", &self.backoff)
            .finish_non_exhaustive()
    }
}

impl Supervisor {
    /// A supervisor with no tasks yet, reading the time from `clock`.
    pub fn new(clock: Arc<dyn Clock>) -> Supervisor {
        Supervisor {
            clock,
            backoff: Backoff::default(),
            status: Arc::default(),
            slots: Vec::new(),
        }
    }

    /// Retries failed rounds after these waits.
    #[must_use]
    pub fn with_backoff(mut self, backoff: Backoff) -> Supervisor {
        self.backoff = backoff;
        self
    }

    /// Adds a task that [`Supervisor::start`] runs.
    pub fn add(&mut self, task: Arc<dyn Task>) {
        self.push(task, true);
    }

    /// Adds a task that only [`Supervisor::run_due_once`] runs: tests that want to say when.
    pub fn add_manual(&mut self, task: Arc<dyn Task>) {
        self.push(task, false);
    }

    fn push(&mut self, task: Arc<dyn Task>, background: bool) {
        self.status.register(task.name(), task.interval());
        self.slots.push(Arc::new(Slot {
            task,
            background,
            due: Mutex::new(None),
            running: tokio::sync::Mutex::new(()),
        }));
    }

    /// The tasks' records, shared: what `/metrics` and `/readyz` read.
    pub fn status(&self) -> Arc<JobsStatus> {
        self.status.clone()
    }

    /// Runs one round of every task due at `now` (a task never run is due), in the order they
    /// were added; returns how many ran. Nothing sleeps: this is how tests drive the tasks.
    pub async fn run_due_once(&self, now: Timestamp) -> usize {
        let mut ran = 0;
        for slot in &self.slots {
            let due = *slot
                .due
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if due.is_some_and(|d| d > now) {
                continue;
            }
            let lag = due
                .and_then(|d| Duration::try_from(now.duration_since(d)).ok())
                .unwrap_or(Duration::ZERO);
            self.round(slot, now, lag).await;
            ran += 1;
        }
        ran
    }

    /// One round of `slot`'s task, recorded; returns how long to wait before the next.
    async fn round(&self, slot: &Arc<Slot>, now: Timestamp, lag: Duration) -> Duration {
        let _running = slot.running.lock().await;
        let task = slot.task.clone();
        let name = task.name();
        // A round of its own so that a panic is a failed round, not a dead supervisor.
        let result = match tokio::spawn(async move { task.run_due(now).await }).await {
            Ok(r) => r,
            Err(e) if e.is_panic() => Err(TaskError(format!("the round panicked: {e}"))),
            Err(e) => Err(TaskError(format!("the round was cancelled: {e}"))),
        };
        let wait = match result {
            Ok(wait) => {
                let next = later(now, wait);
                self.status.succeeded(name, now, lag, next);
                wait
            }
            Err(e) => {
                let failures = self.status.failed(name, now, lag, e.0.clone());
                let wait = self.backoff.delay(failures);
                tracing::error!(task = name, error = %e, failures, retry_in_ms = wait.as_millis(), "background task failed; retrying after a backoff");
                self.status.set_next_due(name, later(now, wait));
                wait
            }
        };
        *slot
            .due
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(later(now, wait));
        wait
    }

    /// Starts every background task in a loop of its own; they run until the returned handle
    /// is shut down or dropped.
    pub fn start(self: &Arc<Self>) -> RunningJobs {
        let (stop_tx, stop_rx) = watch::channel(false);
        let handles = self
            .slots
            .iter()
            .filter(|s| s.background)
            .map(|slot| {
                let me = self.clone();
                let slot = slot.clone();
                let stop = stop_rx.clone();
                tokio::spawn(async move { me.follow(&slot, stop).await })
            })
            .collect();
        RunningJobs {
            stop: stop_tx,
            handles,
        }
    }

    async fn follow(&self, slot: &Arc<Slot>, mut stop: watch::Receiver<bool>) {
        let name = slot.task.name();
        tracing::info!(task = name, "background task started");
        let mut due = Instant::now();
        loop {
            if *stop.borrow() {
                break;
            }
            let lag = due.elapsed();
            let wait = self.round(slot, self.clock.now(), lag).await;
            due = Instant::now() + wait;
            if wait.is_zero() {
                // More is due at once, but let the runtime breathe between rounds.
                tokio::task::yield_now().await;
                continue;
            }
            tokio::select! {
                () = tokio::time::sleep(wait) => {},
                _ = stop.changed() => {},
            }
        }
        slot.task.stop().await;
        tracing::info!(task = name, "background task stopped");
    }
}

fn later(now: Timestamp, wait: Duration) -> Timestamp {
    jiff::SignedDuration::try_from(wait)
        .ok()
        .and_then(|d| now.checked_add(d).ok())
        .unwrap_or(Timestamp::MAX)
}

/// The started tasks; stops them when shut down or dropped.
#[derive(Debug)]
pub struct RunningJobs {
    stop: watch::Sender<bool>,
    handles: Vec<JoinHandle<()>>,
}

impl RunningJobs {
    /// Asks every task to stop and waits for each to finish its round and its `stop`.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        for h in std::mem::take(&mut self.handles) {
            let _ = h.await;
        }
    }
}

impl Drop for RunningJobs {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

//! What the supervisor knows of each task, for `/metrics` and `/readyz`.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::Duration;

use jiff::Timestamp;

/// Failures in a row after which a task makes the node not ready.
pub const READY_MAX_FAILURES: u32 = 3;
/// A task late by more than this many of its intervals (and by at least [`MIN_LATE`]) makes the
/// node not ready.
const LATE_INTERVALS: u32 = 10;
const MIN_LATE: Duration = Duration::from_secs(60);

/// One task's record.
#[derive(Clone, Debug, PartialEq)]
pub struct TaskStatus {
    /// The task's name.
    pub name: &'static str,
    /// How often it normally runs.
    pub interval: Duration,
    /// Rounds run, successful or not.
    pub runs: u64,
    /// When the last round started, by the supervisor's clock.
    pub last_run: Option<Timestamp>,
    /// When the last successful round started.
    pub last_success: Option<Timestamp>,
    /// How late the last round started against when it was due.
    pub lag: Duration,
    /// When the next round is due.
    pub next_due: Option<Timestamp>,
    /// Failed rounds since the last success.
    pub consecutive_failures: u32,
    /// Failed rounds in all.
    pub total_failures: u64,
    /// The last failure's message, until a round succeeds.
    pub last_error: Option<String>,
}

impl TaskStatus {
    fn new(name: &'static str, interval: Duration) -> TaskStatus {
        TaskStatus {
            name,
            interval,
            runs: 0,
            last_run: None,
            last_success: None,
            lag: Duration::ZERO,
            next_due: None,
            consecutive_failures: 0,
            total_failures: 0,
            last_error: None,
        }
    }

    /// How late the task is at `now`: its last start's lag, or the time since its next round
    /// fell due if that round has not started (a round that hangs).
    pub fn lateness(&self, now: Timestamp) -> Duration {
        let overdue = self
            .next_due
            .and_then(|due| Duration::try_from(now.duration_since(due)).ok())
            .unwrap_or(Duration::ZERO);
        self.lag.max(overdue)
    }

    /// Why this task makes the node not ready, if it does.
    pub fn problem(&self, now: Timestamp) -> Option<String> {
        if self.consecutive_failures >= READY_MAX_FAILURES {
            return Some(format!(
                "task {} failed {} times in a row: {}",
                self.name,
                self.consecutive_failures,
                self.last_error.as_deref().unwrap_or("unknown error")
            ));
        }
        let late = self.lateness(now);
        let limit = self.interval.saturating_mul(LATE_INTERVALS).max(MIN_LATE);
        (late > limit).then(|| format!("task {} is {} s late", self.name, late.as_secs()))
    }
}

/// Every task's record; shared by the supervisor and whoever reports on it.
#[derive(Debug, Default)]
pub struct JobsStatus {
    tasks: Mutex<BTreeMap<&'static str, TaskStatus>>,
}

impl JobsStatus {
    fn with<R>(&self, f: impl FnOnce(&mut BTreeMap<&'static str, TaskStatus>) -> R) -> R {
        let mut tasks = self
            .tasks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut tasks)
    }

    pub(crate) fn register(&self, name: &'static str, interval: Duration) {
        self.with(|t| {
            t.entry(name)
                .or_insert_with(|| TaskStatus::new(name, interval));
        });
    }

    pub(crate) fn succeeded(
        &self,
        name: &'static str,
        at: Timestamp,
        lag: Duration,
        next: Timestamp,
    ) {
        self.with(|t| {
            if let Some(s) = t.get_mut(name) {
                s.runs += 1;
                s.last_run = Some(at);
                s.last_success = Some(at);
                s.lag = lag;
                s.next_due = Some(next);
                s.consecutive_failures = 0;
                s.last_error = None;
            }
        });
    }

    /// Records a failure; returns the failures in a row it makes.
    pub(crate) fn failed(
        &self,
        name: &'static str,
        at: Timestamp,
        lag: Duration,
        error: String,
    ) -> u32 {
        self.with(|t| {
            let Some(s) = t.get_mut(name) else {
                return 1;
            };
            s.runs += 1;
            s.last_run = Some(at);
            s.lag = lag;
            s.consecutive_failures = s.consecutive_failures.saturating_add(1);
            s.total_failures += 1;
            s.last_error = Some(error);
            s.consecutive_failures
        })
    }

    pub(crate) fn set_next_due(&self, name: &'static str, next: Timestamp) {
        self.with(|t| {
            if let Some(s) = t.get_mut(name) {
                s.next_due = Some(next);
            }
        });
    }

    /// Every task's record, by name.
    pub fn snapshot(&self) -> Vec<TaskStatus> {
        self.with(|t| t.values().cloned().collect())
    }

    /// One task's record.
    pub fn task(&self, name: &str) -> Option<TaskStatus> {
        self.with(|t| t.get(name).cloned())
    }

    /// Why the node is not ready at `now` (empty: it is): tasks failing in a row, or late.
    pub fn problems(&self, now: Timestamp) -> Vec<String> {
        self.snapshot()
            .iter()
            .filter_map(|s| s.problem(now))
            .collect()
    }

    /// Sets the tasks' metrics (labelled `task`) to their records, for a scrape at `now`.
    #[allow(
        clippy::cast_precision_loss,
        reason = "counts and epoch seconds are far below 2^52"
    )]
    pub fn publish(&self, now: Timestamp) {
        for s in self.snapshot() {
            let task = s.name;
            let seconds =
                |t: Option<Timestamp>| t.map_or(0.0, |t| t.as_millisecond() as f64 / 1000.0);
            metrics::gauge!("tierline_job_last_run_timestamp_seconds", "task" => task)
                .set(seconds(s.last_run));
            metrics::gauge!("tierline_job_last_success_timestamp_seconds", "task" => task)
                .set(seconds(s.last_success));
            metrics::gauge!("tierline_job_lag_seconds", "task" => task)
                .set(s.lateness(now).as_secs_f64());
            metrics::gauge!("tierline_job_consecutive_failures", "task" => task)
                .set(f64::from(s.consecutive_failures));
            metrics::counter!("tierline_job_runs_total", "task" => task).absolute(s.runs);
            metrics::counter!("tierline_job_failures_total", "task" => task)
                .absolute(s.total_failures);
        }
    }
}

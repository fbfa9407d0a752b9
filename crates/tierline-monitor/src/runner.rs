//! The runner: claims due monitors, runs their checks with bounded concurrency, and records
//! what the state machine confirms.
//!
//! Every `tick` it claims what is due (one statement; on PostgreSQL several nodes share the
//! work, each slot going to one of them). Checks run as tasks behind a semaphore, so a slow
//! target cannot pile up unbounded work. Results go to a buffer written every `flush_every` as
//! one row per monitor and hour; a check that changes nothing writes nothing else. A check
//! whose previous run is older than it can trust (every node was down, say) first marks the
//! gap as unknown: that time is never counted as up.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use tierline_domain::checks::CheckSpec;
use tierline_domain::monitor::{Health, Step};
use tierline_store::{Clock, DueMonitor, HourResults, Retention, Store, StoreError, trusted_for};
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinHandle;

use crate::{Checker, Verdict};

/// How the runner works.
#[derive(Clone, Debug)]
pub struct RunnerConfig {
    /// How often it looks for due monitors.
    pub tick: Duration,
    /// Checks running at once.
    pub concurrency: usize,
    /// Monitors claimed per statement.
    pub batch: i64,
    /// How often buffered results are written.
    pub flush_every: Duration,
    /// How often old results are pruned.
    pub prune_every: Duration,
    /// How long results are kept.
    pub retention: Retention,
}

impl Default for RunnerConfig {
    fn default() -> RunnerConfig {
        RunnerConfig {
            tick: Duration::from_millis(250),
            concurrency: 512,
            batch: 2000,
            flush_every: Duration::from_secs(60),
            prune_every: Duration::from_secs(3600),
            retention: Retention::default(),
        }
    }
}

/// Counters of a running runner, for the benchmark and the logs.
#[derive(Debug, Default)]
pub struct RunnerStats {
    /// Checks run.
    pub checks: AtomicU64,
    /// Checks that failed.
    pub failures: AtomicU64,
    /// The largest distance of a monitor's interval from its setting, in ms.
    pub max_interval_error_ms: AtomicU64,
    /// Intervals measured (runs with a previous run).
    pub intervals: AtomicU64,
    /// Intervals off by more than a second.
    pub intervals_over_1s: AtomicU64,
}

type Buffer = Arc<Mutex<HashMap<(i64, i64), HourResults>>>;

/// The runner of one node.
#[derive(Clone)]
pub struct Runner {
    store: Store,
    clock: Arc<dyn Clock>,
    checker: Arc<Checker>,
    config: RunnerConfig,
    stats: Arc<RunnerStats>,
    permits: Arc<Semaphore>,
    buffer: Buffer,
}

impl std::fmt::Debug for Runner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runner")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Runner {
    /// A runner on `store`, reading the time from `clock`.
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        checker: Arc<Checker>,
        config: RunnerConfig,
    ) -> Runner {
        Runner {
            store,
            clock,
            checker,
            permits: Arc::new(Semaphore::new(config.concurrency.max(1))),
            config,
            stats: Arc::default(),
            buffer: Arc::default(),
        }
    }

    /// Its counters.
    pub fn stats(&self) -> Arc<RunnerStats> {
        self.stats.clone()
    }

    /// Claims what is due now and starts its checks (waiting for a free slot when all are
    /// busy). Returns the checks' tasks and whether the claim was full (more may be due).
    pub async fn round(&self) -> Result<(Vec<JoinHandle<()>>, bool), StoreError> {
        let claimed = self
            .store
            .claim_due_monitors(self.clock.now(), self.config.batch)
            .await?;
        let full = i64::try_from(claimed.len()).unwrap_or(i64::MAX) >= self.config.batch;
        let mut tasks = Vec::with_capacity(claimed.len());
        for m in claimed {
            let Ok(permit) = self.permits.clone().acquire_owned().await else {
                break;
            };
            let this = self.clone();
            tasks.push(tokio::spawn(async move {
                let _permit = permit;
                if let Err(e) = this.one(m).await {
                    tracing::error!(error = %e, "monitors: recording a check failed");
                }
            }));
        }
        Ok((tasks, full))
    }

    /// Writes the buffered results.
    pub async fn flush(&self) {
        let batch: Vec<HourResults> = match self.buffer.lock() {
            Ok(mut b) => b.drain().map(|(_, v)| v).collect(),
            Err(_) => return,
        };
        if let Err(e) = self.store.append_results(&batch).await {
            tracing::error!(error = %e, lost = batch.len(), "monitors: writing results failed");
        }
    }

    /// Lets running checks finish, then writes their results: the end of a run.
    pub async fn finish(&self) {
        let _ = self
            .permits
            .acquire_many(u32::try_from(self.config.concurrency.max(1)).unwrap_or(u32::MAX))
            .await;
        self.flush().await;
    }

    /// Runs monitors until `stop` turns true, then writes what is buffered.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        tracing::info!(
            concurrency = self.config.concurrency,
            "monitor runner started"
        );
        let mut flushed = Instant::now();
        // When pruning last succeeded (by the runner's watch and by the clock).
        let mut pruned: Option<(Instant, Timestamp)> = None;
        loop {
            if *stop.borrow() {
                break;
            }
            let full = match self.round().await {
                Ok((_, full)) => full,
                Err(e) => {
                    tracing::error!(error = %e, "monitors: claiming failed; retrying");
                    false
                }
            };
            if flushed.elapsed() >= self.config.flush_every {
                self.flush().await;
                flushed = Instant::now();
            }
            if pruned.is_none_or(|(p, _)| p.elapsed() >= self.config.prune_every) {
                let now = self.clock.now();
                match self
                    .store
                    .prune_results(now, self.config.retention, pruned.map(|(_, at)| at))
                    .await
                {
                    Ok(()) => pruned = Some((Instant::now(), now)),
                    Err(e) => tracing::error!(error = %e, "monitors: pruning failed"),
                }
            }
            if full {
                continue;
            }
            tokio::select! {
                () = tokio::time::sleep(self.config.tick) => {},
                _ = stop.changed() => {},
            }
        }
        self.finish().await;
        tracing::info!("monitor runner stopped");
    }

    async fn one(&self, m: DueMonitor) -> Result<(), StoreError> {
        one(
            &self.store,
            self.clock.as_ref(),
            &self.checker,
            &self.buffer,
            &self.stats,
            m,
        )
        .await
    }
}

/// Runs one claimed monitor's check and records what follows.
async fn one(
    store: &Store,
    clock: &dyn Clock,
    checker: &Checker,
    buffer: &Buffer,
    stats: &RunnerStats,
    m: DueMonitor,
) -> Result<(), StoreError> {
    let now = clock.now();
    if let Some(prev) = m.previous_run_at {
        let error = now
            .duration_since(prev)
            .checked_sub(SignedDuration::from_secs(i64::from(m.interval_secs)))
            .unwrap_or(SignedDuration::MAX)
            .abs();
        // Retries run off the grid on purpose: only regular runs measure the schedule.
        if m.tracker.failures == 0 {
            let ms = u64::try_from(error.as_millis()).unwrap_or(u64::MAX);
            stats.intervals.fetch_add(1, Ordering::Relaxed);
            stats.max_interval_error_ms.fetch_max(ms, Ordering::Relaxed);
            if ms > 1000 {
                stats.intervals_over_1s.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
    let Some(verdict) = checker
        .check(
            &m.check,
            m.allow_private_targets,
            m.timeout,
            (m.last_ping_at, m.created_at),
            now,
        )
        .await
    else {
        return Ok(());
    };
    stats.checks.fetch_add(1, Ordering::Relaxed);
    if !verdict.up {
        stats.failures.fetch_add(1, Ordering::Relaxed);
    }
    metrics::counter!("tierline_monitor_checks_total", "kind" => m.check.kind(), "up" => if verdict.up { "true" } else { "false" }).increment(1);
    if !matches!(m.check, CheckSpec::Heartbeat { .. }) {
        buffer_result(buffer, &m, &verdict, now);
    }
    record(store, &m, &verdict, now).await
}

fn buffer_result(buffer: &Buffer, m: &DueMonitor, v: &Verdict, now: Timestamp) {
    let secs = now.as_second();
    let hour = secs.div_euclid(3600);
    let second = u16::try_from(secs.rem_euclid(3600)).unwrap_or(0);
    let ms = u32::try_from(v.latency.as_millis()).unwrap_or(u32::MAX);
    if let Ok(mut b) = buffer.lock() {
        b.entry((m.id.0, hour))
            .or_insert_with(|| HourResults {
                monitor_id: m.id.0,
                hour,
                ..HourResults::default()
            })
            .push(second, v.up, ms);
    }
}

/// Feeds a verdict to the monitor's state machine and records what it confirms.
pub(crate) async fn record(
    store: &Store,
    m: &DueMonitor,
    verdict: &Verdict,
    now: Timestamp,
) -> Result<(), StoreError> {
    let mut tracker = m.tracker.clone();
    // A verdict is trusted for a while after its check; a later check than that means nobody
    // was looking in between.
    if let Some(prev) = m.previous_run_at
        && let Ok(trusted_until) = prev.checked_add(trusted_for(m.interval_secs))
        && now > trusted_until
        && let Some(change) = tracker.lose_track(trusted_until)
    {
        store.record_change(m, &tracker, change, None, now).await?;
    }
    let at = verdict.since.unwrap_or(now);
    let message = verdict.message.as_deref();
    match tracker.observe(verdict.up, at, &m.damping) {
        Step::Changed(change) => {
            let mut m = m.clone();
            m.tracker = tracker.clone();
            store
                .record_change(&m, &tracker, change, message, now)
                .await?;
        }
        Step::Retrying { .. } => {
            let retry = now
                .checked_add(SignedDuration::from_secs(i64::from(m.retry_interval_secs)))
                .ok();
            store.save_tracker(m.id, &tracker, message, retry).await?;
        }
        Step::Steady => {
            if tracker != m.tracker {
                store.save_tracker(m.id, &tracker, message, None).await?;
            }
            if tracker.health == Health::Down && m.incident_ticket_id.is_none() {
                store.ensure_incident(m, message, now).await?;
            }
        }
    }
    Ok(())
}

//! The background tasks of crates that do not know the supervisor, monitor rounds and the
//! classifier refresh, each adapted to [`tierline_jobs::Task`].

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiff::Timestamp;
use tierline_jobs::{RunFuture, Task, TaskError};
use tierline_store::Store;

/// How often the classifier looks for corrections and rules another node stored.
pub const CLASSIFIER_REFRESH: Duration = Duration::from_secs(30);

/// The monitor runner's rounds: claim and start due checks, write results now and then, prune.
pub struct MonitorRounds {
    runner: tierline_monitor::Runner,
    store: Store,
    config: tierline_monitor::RunnerConfig,
    house: Mutex<Housekeeping>,
}

/// When results were last written, and when pruning last succeeded (by the runner's watch and
/// by the clock).
struct Housekeeping {
    flushed: Instant,
    pruned: Option<(Instant, Timestamp)>,
}

impl std::fmt::Debug for MonitorRounds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MonitorRounds")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl MonitorRounds {
    /// The rounds of a runner built from these parts.
    pub fn new(
        store: Store,
        clock: Arc<dyn tierline_store::Clock>,
        checker: Arc<tierline_monitor::Checker>,
        config: tierline_monitor::RunnerConfig,
    ) -> MonitorRounds {
        MonitorRounds {
            runner: tierline_monitor::Runner::new(store.clone(), clock, checker, config.clone()),
            store,
            config,
            house: Mutex::new(Housekeeping {
                flushed: Instant::now(),
                pruned: None,
            }),
        }
    }

    async fn round(&self, now: Timestamp) -> Result<Duration, TaskError> {
        let (_, full) = self.runner.round().await?;
        let (flush, prune_after) = {
            let mut h = self
                .house
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let flush = h.flushed.elapsed() >= self.config.flush_every;
            if flush {
                h.flushed = Instant::now();
            }
            let prune = h
                .pruned
                .is_none_or(|(p, _)| p.elapsed() >= self.config.prune_every);
            (flush, prune.then(|| h.pruned.map(|(_, at)| at)))
        };
        if flush {
            self.runner.flush().await;
        }
        if let Some(after) = prune_after {
            match self
                .store
                .prune_results(now, self.config.retention, after)
                .await
            {
                Ok(()) => {
                    self.house
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .pruned = Some((Instant::now(), now));
                }
                Err(e) => tracing::error!(error = %e, "monitors: pruning failed"),
            }
        }
        Ok(if full {
            Duration::ZERO
        } else {
            self.config.tick
        })
    }
}

impl Task for MonitorRounds {
    fn name(&self) -> &'static str {
        "monitors"
    }

    fn interval(&self) -> Duration {
        self.config.tick
    }

    fn run_due(&self, now: Timestamp) -> RunFuture<'_> {
        Box::pin(self.round(now))
    }

    fn stop(&self) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + '_>> {
        Box::pin(self.runner.finish())
    }
}

/// Retrains the classifier when another node stored corrections or rules.
#[derive(Debug)]
pub struct ClassifierRefresh {
    desk: tierline_desk::Desk,
}

impl ClassifierRefresh {
    /// Refreshes the desk's classifier from its store.
    pub fn new(desk: tierline_desk::Desk) -> ClassifierRefresh {
        ClassifierRefresh { desk }
    }
}

impl Task for ClassifierRefresh {
    fn name(&self) -> &'static str {
        "classifier_refresh"
    }

    fn interval(&self) -> Duration {
        CLASSIFIER_REFRESH
    }

    fn run_due(&self, _now: Timestamp) -> RunFuture<'_> {
        Box::pin(async move {
            if self
                .desk
                .refresh_classifier()
                .await
                .map_err(TaskError::msg)?
            {
                tracing::info!("the classifier retrained on corrections or rules stored elsewhere");
            }
            Ok(CLASSIFIER_REFRESH)
        })
    }
}

/// The live pages' feed: one read of the change feed a round (the web owns the follower, the
/// supervisor its schedule).
#[derive(Debug)]
pub struct LiveFeed(tierline_web::ui::LiveFollower);

impl LiveFeed {
    /// Runs `follower` under the supervisor.
    pub fn new(follower: tierline_web::ui::LiveFollower) -> LiveFeed {
        LiveFeed(follower)
    }
}

impl Task for LiveFeed {
    fn name(&self) -> &'static str {
        "live_feed"
    }

    fn interval(&self) -> Duration {
        tierline_web::ui::LIVE_POLL
    }

    fn run_due(&self, _now: Timestamp) -> RunFuture<'_> {
        Box::pin(async move {
            self.0.poll_once().await.map_err(TaskError::msg)?;
            Ok(tierline_web::ui::LIVE_POLL)
        })
    }
}

/// The supervisor's record of its tasks, as the web's `/metrics` and `/readyz` read it.
#[derive(Debug)]
pub struct JobsHealth(Arc<tierline_jobs::JobsStatus>);

impl JobsHealth {
    /// Reports `status`.
    pub fn new(status: Arc<tierline_jobs::JobsStatus>) -> JobsHealth {
        JobsHealth(status)
    }
}

impl tierline_web::BackgroundHealth for JobsHealth {
    fn problems(&self, now: Timestamp) -> Vec<String> {
        self.0.problems(now)
    }

    fn publish(&self, now: Timestamp) {
        self.0.publish(now);
    }
}

//! The application wired once, for `tierline serve` and the test kit alike: the listener bound
//! (port 0 allowed), the store opened, the state and router built, the background tasks ready.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tierline_jobs::Supervisor;
use tierline_store::{Clock, SqliteSync, Store};
use tierline_web::AppState;

/// What `serve` needs to know; built from the command line (and, later, a config file).
#[derive(Clone)]
pub struct Settings {
    /// The database URL.
    pub db: String,
    /// The address to listen on (port 0: any free port).
    pub listen: SocketAddr,
    /// Whether session cookies are marked `Secure`.
    pub secure_cookies: bool,
    /// The classifier's confidence threshold.
    pub classify_threshold: f32,
    /// Reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: tierline_web::TrustedProxies,
    /// SQLite's durability.
    pub sqlite_synchronous: SqliteSync,
    /// The monitor runner's settings; none: this node runs no checks.
    pub monitor: Option<MonitorSettings>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("db", &crate::server::redact(&self.db))
            .field("listen", &self.listen)
            .field("secure_cookies", &self.secure_cookies)
            .field("classify_threshold", &self.classify_threshold)
            .field("monitor", &self.monitor)
            .finish_non_exhaustive()
    }
}

/// How the monitor runner of this node works.
#[derive(Clone, Debug)]
pub struct MonitorSettings {
    /// Checks running at once.
    pub concurrency: usize,
    /// Days raw results are kept.
    pub raw_days: i64,
    /// Extra CA certificates to trust.
    pub ca_file: Option<std::path::PathBuf>,
}

/// Which background tasks run by themselves; the others run when a test calls
/// `Application::jobs` and `run_due_once`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jobs {
    /// Every task runs (the product).
    All,
    /// Only the live pages' feed runs by itself (tests, which say when time passes).
    LiveOnly,
}

/// A built, not yet running tierline.
pub struct Application {
    store: Store,
    listener: tokio::net::TcpListener,
    addr: SocketAddr,
    state: AppState,
    jobs: Arc<Supervisor>,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("addr", &self.addr)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Opens and migrates the database, binds the listener and wires everything, reading the
    /// time from `clock`.
    pub async fn build(
        settings: &Settings,
        clock: Arc<dyn Clock>,
        jobs: Jobs,
    ) -> anyhow::Result<Application> {
        let store = crate::server::open_with(&settings.db, settings.sqlite_synchronous).await?;
        Application::build_on(settings, store, clock, jobs).await
    }

    /// [`Application::build`] on a store already open and migrated.
    pub async fn build_on(
        settings: &Settings,
        store: Store,
        clock: Arc<dyn Clock>,
        jobs: Jobs,
    ) -> anyhow::Result<Application> {
        let listener = tokio::net::TcpListener::bind(settings.listen)
            .await
            .with_context(|| format!("cannot listen on {}", settings.listen))?;
        let addr = listener.local_addr()?;
        let classifier = Arc::new(tierline_desk::ClassifierService::with_threshold(
            settings.classify_threshold,
        ));
        let desk = tierline_desk::Desk::new(store.clone(), classifier, clock.clone());
        let live = tierline_web::ui::Live::default();
        let mut supervisor = Supervisor::new(clock.clone());
        let mut add = |task: Arc<dyn tierline_jobs::Task>| match jobs {
            Jobs::All => supervisor.add(task),
            Jobs::LiveOnly => supervisor.add_manual(task),
        };
        add(Arc::new(tierline_jobs::SlaTimers::new(store.clone())));
        add(Arc::new(tierline_jobs::OutboxDelivery::new(
            store.clone(),
            Arc::new(tierline_jobs::LogDeliverer),
        )));
        match &settings.monitor {
            Some(m) => add(Arc::new(monitor_rounds(&store, &clock, m)?)),
            None => tracing::info!("monitoring: no checks run on this node (--no-monitors)"),
        }
        add(Arc::new(crate::tasks::ClassifierRefresh::new(desk.clone())));
        supervisor.add(Arc::new(crate::tasks::LiveFeed::new(
            tierline_web::ui::LiveFollower::new(live.clone(), desk.clone()),
        )));
        let supervisor = Arc::new(supervisor);
        let state = AppState {
            desk,
            clock,
            secure_cookies: settings.secure_cookies,
            live,
            trusted_proxies: settings.trusted_proxies.clone(),
            jobs: Arc::new(crate::tasks::JobsHealth::new(supervisor.status())),
        };
        Ok(Application {
            store,
            listener,
            addr,
            state,
            jobs: supervisor,
        })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The port it listens on.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Its store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Its state, to change before it runs (tests: limits, trusted proxies).
    pub fn state_mut(&mut self) -> &mut AppState {
        &mut self.state
    }

    /// Its background tasks, for tests to drive with `run_due_once`.
    pub fn jobs(&self) -> Arc<Supervisor> {
        self.jobs.clone()
    }

    /// Serves and runs the background tasks until `shutdown` resolves, then lets requests in
    /// flight and the tasks' rounds finish.
    pub async fn run_until_stopped(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let store = self.store.clone();
        let running = self.jobs.start();
        let served = tierline_web::serve(self.listener, self.state, shutdown).await;
        running.shutdown().await;
        served?;
        store.close().await;
        Ok(())
    }
}

/// The monitor runner's rounds as configured.
fn monitor_rounds(
    store: &Store,
    clock: &Arc<dyn Clock>,
    monitor: &MonitorSettings,
) -> anyhow::Result<crate::tasks::MonitorRounds> {
    let roots = match &monitor.ca_file {
        Some(path) => tierline_monitor::roots_from_pem_file(path).map_err(anyhow::Error::msg)?,
        None => Vec::new(),
    };
    let checker = tierline_monitor::Checker::new(&roots)
        .map_err(|e| anyhow::anyhow!("cannot set up the monitors' HTTP client: {e}"))?;
    let config = tierline_monitor::RunnerConfig {
        concurrency: monitor.concurrency.max(1),
        retention: tierline_store::Retention {
            raw_days: monitor.raw_days.max(1),
            ..tierline_store::Retention::default()
        },
        ..tierline_monitor::RunnerConfig::default()
    };
    Ok(crate::tasks::MonitorRounds::new(
        store.clone(),
        clock.clone(),
        Arc::new(checker),
        config,
    ))
}

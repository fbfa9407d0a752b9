//! `tierline serve` and `tierline migrate`.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use tierline_jobs::Supervisor;
use tierline_store::Store;
use tierline_web::{AppState, SystemClock};

/// Opens the database (creating an SQLite file if needed) and applies the migrations.
pub async fn open(db: &str) -> anyhow::Result<Store> {
    open_with(db, tierline_store::SqliteSync::Full).await
}

/// [`open`], with SQLite's durability chosen (`serve --sqlite-synchronous`).
pub async fn open_with(db: &str, sync: tierline_store::SqliteSync) -> anyhow::Result<Store> {
    let store = Store::connect_with(db, sync)
        .await
        .with_context(|| format!("cannot open the database {}", redact(db)))?;
    store
        .migrate()
        .await
        .context("cannot migrate the database")?;
    let indexed = store
        .index_unsearched()
        .await
        .context("cannot index tickets for search")?;
    if indexed > 0 {
        tracing::info!(
            tickets = indexed,
            "indexed tickets stored before search existed"
        );
    }
    Ok(store)
}

/// Serves until Ctrl-C or SIGTERM, then lets requests in flight finish.
pub async fn serve(
    db: &str,
    listen: SocketAddr,
    secure_cookies: bool,
    classify_threshold: f32,
    trusted_proxies: tierline_web::TrustedProxies,
    sync: tierline_store::SqliteSync,
    monitor: &crate::cli::MonitorArgs,
) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    // One crypto backend, ring, for every TLS client in the process (reqwest looks it up).
    tierline_monitor::install_crypto_provider();
    let store = open_with(db, sync).await?;
    if sync == tierline_store::SqliteSync::Normal
        && store.backend() == tierline_store::Backend::Sqlite
    {
        tracing::warn!(
            "SQLite runs with synchronous = NORMAL: a power loss can lose the last acknowledged requests"
        );
    }
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let addr = listener.local_addr()?;
    tracing::info!(%addr, db = %redact(db), ready_in_ms = started.elapsed().as_millis(), "tierline is listening on http://{addr}");
    let clock: Arc<dyn tierline_web::Clock> = Arc::new(SystemClock);
    let classifier = Arc::new(tierline_web::classifier::ClassifierService::with_threshold(
        classify_threshold,
    ));
    let live = tierline_web::ui::Live::default();
    let mut jobs = Supervisor::new(clock.clone());
    jobs.add(Arc::new(tierline_jobs::SlaTimers::new(store.clone())));
    jobs.add(Arc::new(tierline_jobs::OutboxDelivery::new(
        store.clone(),
        Arc::new(tierline_jobs::LogDeliverer),
    )));
    if monitor.no_monitors {
        tracing::info!("monitoring: no checks run on this node (--no-monitors)");
    } else {
        jobs.add(Arc::new(monitor_rounds(&store, &clock, monitor)?));
    }
    jobs.add(Arc::new(crate::tasks::ClassifierRefresh::new(
        classifier.clone(),
        store.clone(),
    )));
    jobs.add(Arc::new(tierline_web::ui::LiveFollower::new(
        live.clone(),
        store.clone(),
    )));
    let jobs = Arc::new(jobs);
    let state = AppState {
        store: store.clone(),
        clock,
        secure_cookies,
        classifier,
        live,
        trusted_proxies,
        jobs: jobs.status(),
    };
    let running = jobs.start();
    let served = tierline_web::serve(listener, state, shutdown_signal()).await;
    running.shutdown().await;
    served?;
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// The monitor runner's rounds as `--monitor-*` set them.
fn monitor_rounds(
    store: &Store,
    clock: &Arc<dyn tierline_web::Clock>,
    monitor: &crate::cli::MonitorArgs,
) -> anyhow::Result<crate::tasks::MonitorRounds> {
    let roots = match &monitor.monitor_ca_file {
        Some(path) => tierline_monitor::roots_from_pem_file(path).map_err(anyhow::Error::msg)?,
        None => Vec::new(),
    };
    let checker = tierline_monitor::Checker::new(&roots)
        .map_err(|e| anyhow::anyhow!("cannot set up the monitors' HTTP client: {e}"))?;
    let config = tierline_monitor::RunnerConfig {
        concurrency: monitor.monitor_concurrency.max(1),
        retention: tierline_store::Retention {
            raw_days: monitor.monitor_raw_days.max(1),
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

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

/// A database URL fit for logs: no password.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_stay_out_of_logs() {
        assert_eq!(
            super::redact("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(super::redact("tierline.db"), "tierline.db");
    }
}

//! `tierline serve` and `tierline migrate`.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use clap::Args;
use tierline_store::Store;
use tierline_web::SystemClock;

use crate::startup::{Application, Jobs, MonitorSettings, Settings};

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

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on.
    #[arg(long, env = "TIERLINE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// Mark the session cookie Secure: set when users reach tierline over HTTPS (a proxy in front).
    #[arg(long, env = "TIERLINE_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Classifier confidence under which a new ticket waits on line 1 for qualification (0 to 1).
    #[arg(long, env = "TIERLINE_CLASSIFY_THRESHOLD", default_value_t = tierline_classify::DEFAULT_THRESHOLD)]
    pub classify_threshold: f32,
    /// A reverse proxy (an address or a CIDR network) whose `X-Forwarded-For` names the client,
    /// for per-client limits; repeat it or separate with commas. None by default: the TCP peer
    /// is the client.
    #[arg(long = "trusted-proxy", env = "TIERLINE_TRUSTED_PROXY", value_delimiter = ',', value_parser = tierline_web::TrustedProxies::parse_one)]
    pub trusted_proxy: Vec<ipnet::IpNet>,
    /// How SQLite makes an acknowledged request durable: `full` (on disk before the answer; the
    /// default) or `normal` (faster; survives a crash of tierline but not a power loss).
    #[arg(long, env = "TIERLINE_SQLITE_SYNCHRONOUS", default_value = "full", value_parser = ["full", "normal"])]
    pub sqlite_synchronous: String,
    /// Log format: text or json.
    #[arg(long, env = "TIERLINE_LOG_FORMAT", default_value = "text", value_parser = ["text", "json"])]
    pub log_format: String,
    /// Stability monitoring on this node.
    #[command(flatten)]
    pub monitor: MonitorArgs,
}

/// How this node takes part in monitoring; nodes on one database share the monitors.
#[derive(Debug, Clone, Args)]
pub struct MonitorArgs {
    /// Run no checks on this node (webhooks and heartbeats are still received).
    #[arg(long, env = "TIERLINE_NO_MONITORS")]
    pub no_monitors: bool,
    /// Checks running at once on this node.
    #[arg(long, env = "TIERLINE_MONITOR_CONCURRENCY", default_value_t = 512)]
    pub monitor_concurrency: usize,
    /// Days raw check results are kept (then per-hour counts for 90 days, per-day for 3 years).
    #[arg(long, env = "TIERLINE_MONITOR_RAW_DAYS", default_value_t = 14)]
    pub monitor_raw_days: i64,
    /// A PEM file of CA certificates to trust beside the Mozilla roots (a customer's private CA).
    #[arg(long, env = "TIERLINE_MONITOR_CA_FILE")]
    pub monitor_ca_file: Option<PathBuf>,
}

/// Serves until Ctrl-C or SIGTERM, then lets requests in flight finish.
pub async fn serve(db: &str, args: &ServeArgs) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    // One crypto backend, ring, for every TLS client in the process (reqwest looks it up).
    tierline_monitor::install_crypto_provider();
    let settings = args.settings(db);
    let app = Application::build(&settings, Arc::new(SystemClock), Jobs::All).await?;
    if settings.sqlite_synchronous == tierline_store::SqliteSync::Normal
        && app.store().backend() == tierline_store::Backend::Sqlite
    {
        tracing::warn!(
            "SQLite runs with synchronous = NORMAL: a power loss can lose the last acknowledged requests"
        );
    }
    let addr = app.addr();
    tracing::info!(%addr, db = %redact(db), ready_in_ms = started.elapsed().as_millis(), "tierline is listening on http://{addr}");
    app.run_until_stopped(shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

impl ServeArgs {
    /// The settings these flags make, on the database `db`.
    pub fn settings(&self, db: &str) -> Settings {
        Settings {
            db: db.to_owned(),
            listen: self.listen,
            secure_cookies: self.secure_cookies,
            classify_threshold: self.classify_threshold,
            trusted_proxies: tierline_web::TrustedProxies::new(self.trusted_proxy.clone()),
            sqlite_synchronous: if self.sqlite_synchronous == "normal" {
                tierline_store::SqliteSync::Normal
            } else {
                tierline_store::SqliteSync::Full
            },
            monitor: (!self.monitor.no_monitors).then(|| MonitorSettings {
                concurrency: self.monitor.monitor_concurrency,
                raw_days: self.monitor.monitor_raw_days,
                ca_file: self.monitor.monitor_ca_file.clone(),
            }),
        }
    }
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

//! The monitoring benchmark behind `docs/BENCHMARKS.md`: N HTTP monitors at a 60-second
//! interval against a server on loopback, for a bounded time, on a release build.
//!
//! It measures this process's CPU (from `/proc/self/stat`) over the steady part of the run (after
//! the first interval, when every monitor goes from unknown to up once), how far each monitor's
//! interval strays from 60 s, and the bytes the results take in the database per check. The
//! target server runs as a child process (this program with `--target`), so its CPU is not
//! counted.
//!
//! `cargo run --release -p tierline-monitor --example monitor_load -- --monitors 10000 --secs 240`
//! (add `--db postgres://…` for PostgreSQL; the default is an SQLite file in a temporary folder).

#![allow(
    clippy::print_stdout,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_precision_loss,
    reason = "a benchmark program: it reports on stdout and stops loudly on a broken setup"
)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use jiff::Timestamp;
use serde_json::json;
use tierline_monitor::{Checker, Runner, RunnerConfig};
use tierline_store::{HourResults, MonitorSettings, NewUser, Role, Store, SystemClock, Viewer};

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// CPU time of this process (user + system), from `/proc/self/stat`.
fn cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // Fields after the command name (which may hold spaces) start at ") ".
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap();
    let hz: u64 = std::env::var("CLK_TCK")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    Duration::from_millis(ticks * 1000 / hz)
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

async fn target() {
    let app = axum::Router::new().fallback(|| async { "ok" });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    println!("{}", listener.local_addr().unwrap().port());
    axum::serve(listener, app).await.unwrap();
}

async fn admin(store: &Store) -> Viewer {
    let u = store
        .create_user(
            None,
            NewUser {
                email: "bench@desk.test".to_owned(),
                name: "bench".to_owned(),
                role: Role::Admin,
                customer_id: None,
                lines: Vec::new(),
                password: None,
            },
            Timestamp::now(),
        )
        .await
        .unwrap();
    let (_, token) = store
        .create_token(None, u.id, "bench", Timestamp::now())
        .await
        .unwrap();
    store.viewer_for_token(&token).await.unwrap().unwrap()
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--target") {
        target().await;
        return;
    }
    tierline_monitor::install_crypto_provider();
    let monitors: usize = arg("--monitors").map_or(10_000, |v| v.parse().unwrap());
    let secs: u64 = arg("--secs").map_or(240, |v| v.parse().unwrap());
    let dir = std::env::temp_dir().join(format!("tl-monitor-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = arg("--db").unwrap_or_else(|| format!("sqlite://{}", dir.join("bench.db").display()));

    let mut child = Command::new(std::env::current_exe().unwrap())
        .arg("--target")
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port: u16 = line.trim().parse().unwrap();

    let store = Store::connect(&db).await.unwrap();
    store.migrate().await.unwrap();
    let admin = admin(&store).await;
    let now = Timestamp::now();
    let customer = store.create_customer(&admin, "Load", now).await.unwrap();
    let terms = serde_json::from_value(
        json!({"calendar": {"tz": "Europe/Kyiv", "coverage": "24x7"}, "stability": true}),
    )
    .unwrap();
    store
        .create_contract_version(
            &admin,
            customer.id,
            jiff::civil::date(2026, 1, 1),
            terms,
            now,
        )
        .await
        .unwrap();
    let system = store
        .create_system(&admin, customer.id, "Shop", true, None, now)
        .await
        .unwrap();
    // Steady-state storage first, on empty tables: a day of 1-minute checks for 1,000
    // monitors, written as the runner writes them (an append per monitor and flush, a flush a
    // minute); then the same day once its raw results are past the retention; then removed.
    let day = Timestamp::now().as_second().div_euclid(86_400) * 24 - 24 * 10;
    let before = store.monitoring_bytes().await.unwrap().unwrap_or(0);
    for minute in 0..(24 * 60i64) {
        let batch: Vec<HourResults> = (0..1000i64)
            .map(|m| {
                let mut h = HourResults {
                    monitor_id: 1_000_000 + m,
                    hour: day + minute / 60,
                    ..HourResults::default()
                };
                h.push(u16::try_from((minute % 60) * 60 + m % 60).unwrap(), true, 3);
                h
            })
            .collect();
        store.append_results(&batch).await.unwrap();
    }
    let full = store.monitoring_bytes().await.unwrap().unwrap_or(0) - before;
    let retention = tierline_store::Retention::default();
    store
        .prune_results(
            Timestamp::from_second((day + 24 * 20) * 3600).unwrap(),
            retention,
            None,
        )
        .await
        .unwrap();
    let pruned = store.monitoring_bytes().await.unwrap().unwrap_or(0) - before;
    store
        .prune_results(
            Timestamp::from_second((day + 24 * 5000) * 3600).unwrap(),
            retention,
            None,
        )
        .await
        .unwrap();
    println!(
        "storage: a day of results of 1,000 monitors (1,440,000 checks) takes {full} bytes = {:.2} bytes per check with raw results, \
         {pruned} bytes = {:.3} bytes per check once they are past the retention (counts per hour kept)",
        full as f64 / 1_440_000.0,
        pruned as f64 / 1_440_000.0
    );

    let seeding = Instant::now();
    for n in 0..monitors {
        let settings: MonitorSettings = serde_json::from_value(json!({
            "name": format!("page {n}"),
            "check": {"kind": "http", "url": format!("http://127.0.0.1:{port}/page/{n}")},
            "interval_secs": 60, "timeout_ms": 10000,
            // The load's target is on loopback: the administrator allows it.
            "allow_private_targets": true
        }))
        .unwrap();
        store
            .create_monitor(&admin, system.id, settings, Timestamp::now())
            .await
            .unwrap();
    }
    println!(
        "backend {:?}: {monitors} HTTP monitors at 60 s against 127.0.0.1:{port}, created in {:.1} s; running {secs} s",
        store.backend(),
        seeding.elapsed().as_secs_f64()
    );

    let runner = Runner::new(
        store.clone(),
        Arc::new(SystemClock),
        Arc::new(Checker::new(&[]).unwrap()),
        RunnerConfig::default(),
    );
    let stats = runner.stats();
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(runner.run(stopped));

    // The first interval brings every monitor from unknown to up (one write each): warm-up.
    let warmup = Duration::from_secs(75).min(Duration::from_secs(secs / 3));
    tokio::time::sleep(warmup).await;
    let (cpu0, checks0, t0) = (cpu(), stats.checks.load(Ordering::Relaxed), Instant::now());
    let (intervals0, over0) = (
        stats.intervals.load(Ordering::Relaxed),
        stats.intervals_over_1s.load(Ordering::Relaxed),
    );
    stats.max_interval_error_ms.store(0, Ordering::Relaxed);
    tokio::time::sleep(Duration::from_secs(secs).saturating_sub(warmup)).await;
    let (cpu1, checks1, wall) = (cpu(), stats.checks.load(Ordering::Relaxed), t0.elapsed());
    let rss = rss_kib();
    stop.send(true).unwrap();
    task.await.unwrap();
    let _ = child.kill();
    let _ = child.wait();

    let checks = checks1 - checks0;
    let cpu_used = cpu1 - cpu0;
    println!(
        "steady window {:.1} s: {checks} checks ({:.1}/s), {} failed in all",
        wall.as_secs_f64(),
        checks as f64 / wall.as_secs_f64(),
        stats.failures.load(Ordering::Relaxed)
    );
    println!(
        "CPU {:.2} s = {:.2} % of one core; {:.1} µs per check; RSS {} MiB",
        cpu_used.as_secs_f64(),
        100.0 * cpu_used.as_secs_f64() / wall.as_secs_f64(),
        cpu_used.as_secs_f64() * 1e6 / checks.max(1) as f64,
        rss / 1024
    );
    println!(
        "intervals: {} measured, largest error {} ms, {} over 1 s",
        stats.intervals.load(Ordering::Relaxed) - intervals0,
        stats.max_interval_error_ms.load(Ordering::Relaxed),
        stats.intervals_over_1s.load(Ordering::Relaxed) - over0
    );
    let stored: i64 = {
        let mut n = 0;
        let hour = Timestamp::now().as_second().div_euclid(3600);
        for id in 1..=i64::try_from(monitors).unwrap() {
            for h in [hour - 1, hour] {
                if let Some(r) = store
                    .hour_results(tierline_store::MonitorId(id), h)
                    .await
                    .unwrap()
                {
                    n += r.checks;
                }
            }
        }
        n
    };
    let bytes = store.monitoring_bytes().await.unwrap();
    println!(
        "stored: {stored} checks, {} bytes in the monitoring tables = {} bytes per check (rows hold only this run's few minutes)",
        bytes.map_or("?".to_owned(), |b| b.to_string()),
        bytes.map_or("?".to_owned(), |b| format!(
            "{:.1}",
            b as f64 / stored.max(1) as f64
        )),
    );

    store.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}

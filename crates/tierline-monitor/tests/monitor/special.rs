//! Heartbeats, certificates, and several nodes on one database.

use std::sync::Arc;

use jiff::Timestamp;
use serde_json::json;
use tierline_monitor::Checker;
use tierline_store::{Backend, MonitorSettings, Store, SystemId};

use crate::helpers::{Desk, first_slot, secs, ts};

pub async fn a_heartbeat_that_stops_is_down(backend: Backend) {
    let t0 = ts("2026-11-02T10:00:00Z");
    let desk = Desk::new(backend, t0, true).await;
    let (id, m) = desk
        .monitor(json!({"name": "Nightly backup", "check": {"kind": "heartbeat", "period_secs": 60, "grace_secs": 30}, "interval_secs": 30}))
        .await;
    let secret = m["heartbeat_secret"].as_str().unwrap().to_owned();
    let (status, _) = desk
        .app
        .call("POST", &format!("/api/v1/heartbeat/{secret}"), None, None)
        .await;
    assert_eq!(status, 204);
    let (status, _) = desk
        .app
        .call("GET", "/api/v1/heartbeat/hb_wrong", None, None)
        .await;
    assert_eq!(status, 404);
    let runner = desk.runner(Checker::new(&[]).unwrap());
    let s0 = first_slot(id, 30, t0);
    desk.round_at(&runner, s0).await;
    let (_, m) = desk
        .call("GET", &format!("/api/v1/monitors/{id}"), None)
        .await;
    assert_eq!(m["health"], "up");
    // The job calls again within its period: still up.
    desk.app.clock.set(s0 + secs(20));
    desk.app
        .call("GET", &format!("/api/v1/heartbeat/{secret}"), None, None)
        .await;
    let last_call = s0 + secs(20);
    let mut at = s0;
    while at <= last_call + secs(90) {
        at += secs(30);
        desk.round_at(&runner, at).await;
    }
    let (_, m) = desk
        .call("GET", &format!("/api/v1/monitors/{id}"), None)
        .await;
    assert_eq!(
        m["health"], "down",
        "no call for longer than the period and the grace"
    );
    let tickets = desk.monitoring_tickets().await;
    assert_eq!(tickets.len(), 1);
    assert_eq!(tickets[0]["class"], 2);
    // The job calls again: the next check sees it.
    desk.app.clock.set(at + secs(5));
    desk.app
        .call("POST", &format!("/api/v1/heartbeat/{secret}"), None, None)
        .await;
    desk.round_at(&runner, at + secs(30)).await;
    let (_, m) = desk
        .call("GET", &format!("/api/v1/monitors/{id}"), None)
        .await;
    assert_eq!(m["health"], "up");
    let (_, incidents) = desk
        .call(
            "GET",
            &format!("/api/v1/systems/{}/incidents", desk.system),
            None,
        )
        .await;
    assert_eq!(
        incidents[0]["downtime_secs"],
        (at + secs(30))
            .duration_since(last_call + secs(90))
            .as_secs(),
        "down from the missed deadline"
    );
}

pub async fn a_certificate_that_expires_soon_fails(backend: Backend) {
    // Certificates are checked against the real time, so this test runs at it.
    let t0 = Timestamp::from_second(Timestamp::now().as_second()).unwrap();
    let desk = Desk::new(backend, t0, true).await;
    let (ca_der, port) = tls_server(5).await;
    let (soon, _) = desk
        .monitor(json!({"name": "Certificate", "check": {"kind": "tls", "host": "localhost", "port": port, "warn_days": 14}, "retries": 0}))
        .await;
    let (fine, _) = desk
        .monitor(json!({"name": "Certificate, 3 days' notice", "check": {"kind": "tls", "host": "localhost", "port": port, "warn_days": 3}, "retries": 0}))
        .await;
    let runner = desk.runner(Checker::new(&[ca_der]).unwrap());
    let last = first_slot(soon, 60, t0).max(first_slot(fine, 60, t0));
    desk.round_at(&runner, last).await;
    let (_, m) = desk
        .call("GET", &format!("/api/v1/monitors/{soon}"), None)
        .await;
    assert_eq!(m["health"], "down");
    let message = m["last_message"].as_str().unwrap();
    assert!(
        message.contains("expires in 4 days") || message.contains("expires in 5 days"),
        "{message}"
    );
    let (_, m) = desk
        .call("GET", &format!("/api/v1/monitors/{fine}"), None)
        .await;
    assert_eq!(m["health"], "up", "{m}");
    let tickets = desk.monitoring_tickets().await;
    assert_eq!(tickets.len(), 1, "an expiring certificate is an incident");
    // But not an outage: TLS monitors stay out of availability.
    let (_, a) = desk
        .call(
            "GET",
            &format!("/api/v1/systems/{}/availability?period=month", desk.system),
            None,
        )
        .await;
    assert_eq!(a["down_secs"], 0);

    // A certificate the checker does not trust fails the handshake.
    let runner = desk.runner(Checker::new(&[]).unwrap());
    desk.round_at(&runner, last + secs(60)).await;
    let (_, m) = desk
        .call("GET", &format!("/api/v1/monitors/{fine}"), None)
        .await;
    assert!(
        m["last_message"]
            .as_str()
            .unwrap()
            .contains("TLS handshake failed"),
        "{m}"
    );
}

/// A TLS server on loopback with a certificate for `localhost` from a CA made here, valid until
/// `days` days from now; returns the CA certificate and the port.
async fn tls_server(days: i64) -> (rustls::pki_types::CertificateDer<'static>, u16) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let mut leaf = CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    let end = Timestamp::now()
        .checked_add(secs(days * 86_400))
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::UTC);
    let start = Timestamp::now()
        .checked_sub(secs(86_400))
        .unwrap()
        .to_zoned(jiff::tz::TimeZone::UTC);
    leaf.not_before = rcgen::date_time_ymd(
        start.year().into(),
        start.month().try_into().unwrap(),
        start.day().try_into().unwrap(),
    );
    leaf.not_after = rcgen::date_time_ymd(
        end.year().into(),
        end.month().try_into().unwrap(),
        end.day().try_into().unwrap(),
    );
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(
        vec![leaf_cert.der().clone()],
        rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
    )
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let Ok((sock, _)) = listener.accept().await else {
                return;
            };
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let _ = acceptor.accept(sock).await;
            });
        }
    });
    (ca_cert.der().clone(), port)
}

pub async fn nodes_share_the_monitors(backend: Backend) {
    let t0 = ts("2026-11-02T10:00:00Z");
    let desk = Desk::new(backend, t0, true).await;
    let admin = desk
        .app
        .store
        .viewer_for_token(&desk.admin)
        .await
        .unwrap()
        .unwrap();
    for n in 0..300 {
        let settings: MonitorSettings = serde_json::from_value(json!({
            "name": format!("port {n}"), "check": {"kind": "tcp", "host": "127.0.0.1", "port": 9}, "interval_secs": 60,
            "allow_private_targets": true
        }))
        .unwrap();
        desk.app
            .store
            .create_monitor(&admin, SystemId(desk.system), settings, t0)
            .await
            .unwrap();
    }
    // Two nodes, each with its own connections, claim at once until nothing is due.
    let other = Store::connect(&desk.app.db.url).await.unwrap();
    let now = t0 + secs(61);
    let claim = |store: Store| async move {
        let mut ids = Vec::new();
        loop {
            let got = store.claim_due_monitors(now, 17).await.unwrap();
            if got.is_empty() {
                return ids;
            }
            ids.extend(got.into_iter().map(|m| m.id.0));
        }
    };
    let (a, b) = tokio::join!(
        tokio::spawn(claim(desk.app.store.clone())),
        tokio::spawn(claim(other.clone()))
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let mut all: Vec<i64> = a.iter().chain(&b).copied().collect();
    all.sort_unstable();
    let total = all.len();
    all.dedup();
    assert_eq!(
        total,
        300,
        "each monitor once per interval ({} and {} claimed)",
        a.len(),
        b.len()
    );
    assert_eq!(all.len(), 300);
    assert!(
        other
            .claim_due_monitors(now, 1000)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        other
            .claim_due_monitors(now + secs(60), 1000)
            .await
            .unwrap()
            .len(),
        300,
        "and again in the next interval"
    );
    other.close().await;
}

pub async fn a_cron_heartbeat_follows_its_schedule(backend: Backend) {
    let t0 = ts("2026-11-02T10:00:00Z");
    let desk = Desk::new(backend, t0, true).await;
    let (id, m) = desk
        .monitor(json!({"name": "Export every 5 minutes",
                        "check": {"kind": "heartbeat", "cron": "*/5 * * * *", "tz": "Europe/Kyiv", "grace_secs": 60},
                        "interval_secs": 30}))
        .await;
    let secret = m["heartbeat_secret"].as_str().unwrap().to_owned();
    let runner = desk.runner(Checker::new(&[]).unwrap());
    let health = || async {
        let (_, m) = desk
            .call("GET", &format!("/api/v1/monitors/{id}"), None)
            .await;
        m["health"].as_str().unwrap().to_owned()
    };
    let s0 = first_slot(id, 30, t0);
    desk.round_at(&runner, s0).await;
    assert_eq!(
        health().await,
        "unknown",
        "no run was due since the monitor began"
    );
    // The 10:05 run did not call by 10:06.
    let mut at = s0;
    while at < ts("2026-11-02T10:06:00Z") {
        at += secs(30);
        desk.round_at(&runner, at).await;
    }
    assert_eq!(health().await, "down");
    desk.app.clock.set(ts("2026-11-02T10:07:00Z"));
    let (status, _) = desk
        .app
        .call("GET", &format!("/api/v1/heartbeat/{secret}"), None, None)
        .await;
    assert_eq!(status, 204);
    at += secs(60);
    desk.round_at(&runner, at).await;
    assert_eq!(health().await, "up", "called after the 10:05 run");
    let (status, e) = desk
        .call(
            "POST",
            &format!("/api/v1/systems/{}/monitors", desk.system),
            Some(&json!({"name": "x", "check": {"kind": "heartbeat", "cron": "61 * * * *"}})),
        )
        .await;
    assert_eq!(
        (status, e["errors"][0]["field"].as_str()),
        (422, Some("check"))
    );
}

pub async fn two_runners_check_each_monitor_once(backend: Backend) {
    let t0 = ts("2026-11-02T10:00:00Z");
    let desk = Desk::new(backend, t0, true).await;
    let hits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let broken = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (counted, failing) = (hits.clone(), broken.clone());
    let app = axum::Router::new().fallback(move || {
        counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let status = if failing.load(std::sync::atomic::Ordering::SeqCst) {
            axum::http::StatusCode::SERVICE_UNAVAILABLE
        } else {
            axum::http::StatusCode::OK
        };
        async move { status }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    for n in 0..40 {
        desk.monitor(json!({"name": format!("page {n}"), "check": {"kind": "http", "url": format!("http://127.0.0.1:{port}/{n}")}}))
            .await;
    }
    let other = Store::connect(&desk.app.db.url).await.unwrap();
    let a = desk.runner(Checker::new(&[]).unwrap());
    let b = tierline_monitor::Runner::new(
        other.clone(),
        desk.app.clock.clone() as Arc<dyn tierline_store::Clock>,
        Arc::new(Checker::new(&[]).unwrap()),
        tierline_monitor::RunnerConfig {
            batch: 7,
            ..Default::default()
        },
    );
    for minute in 1..=3 {
        desk.app.clock.set(t0 + secs(60 * minute + 1));
        let (ra, rb) = tokio::join!(
            async {
                let mut tasks = Vec::new();
                loop {
                    let (t, full) = a.round().await.unwrap();
                    tasks.extend(t);
                    if !full {
                        return tasks;
                    }
                }
            },
            async {
                let mut tasks = Vec::new();
                loop {
                    let (t, full) = b.round().await.unwrap();
                    tasks.extend(t);
                    if !full {
                        return tasks;
                    }
                }
            }
        );
        for t in ra.into_iter().chain(rb) {
            t.await.unwrap();
        }
        assert_eq!(
            hits.load(std::sync::atomic::Ordering::SeqCst),
            40 * usize::try_from(minute).unwrap(),
            "minute {minute}: each monitor once"
        );
    }
    let checks = a.stats().checks.load(std::sync::atomic::Ordering::Relaxed)
        + b.stats().checks.load(std::sync::atomic::Ordering::Relaxed);
    assert_eq!(checks, 120);
    // Every monitor of the system fails at once, confirmed on both nodes together: one incident.
    broken.store(true, std::sync::atomic::Ordering::SeqCst);
    for at in [241, 261, 281] {
        desk.app.clock.set(t0 + secs(at));
        let drain = |r: tierline_monitor::Runner| async move {
            let mut tasks = Vec::new();
            loop {
                let (t, full) = r.round().await.unwrap();
                tasks.extend(t);
                if !full {
                    return tasks;
                }
            }
        };
        let (ra, rb) = tokio::join!(drain(a.clone()), drain(b.clone()));
        for t in ra.into_iter().chain(rb) {
            t.await.unwrap();
        }
    }
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 120 + 3 * 40);
    let tickets = desk.monitoring_tickets().await;
    assert_eq!(tickets.len(), 1, "one incident for the system");
    let (_, events) = desk
        .call(
            "GET",
            &format!("/api/v1/tickets/{}/events", tickets[0]["id"]),
            None,
        )
        .await;
    let downs = events
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["kind"] == "monitor.down")
        .count();
    assert_eq!(downs, 40, "each monitor's down is on it");
    other.close().await;
}

pub async fn a_gap_in_checking_is_unknown_and_results_are_pruned(backend: Backend) {
    let t0 = ts("2026-11-02T10:00:00Z");
    let desk = Desk::new(backend, t0, true).await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        loop {
            let _ = listener.accept().await;
        }
    });
    let (id, _) = desk
        .monitor(json!({"name": "SSH", "check": {"kind": "tcp", "host": "127.0.0.1", "port": port}, "interval_secs": 60}))
        .await;
    let runner = desk.runner(Checker::new(&[]).unwrap());
    let s0 = first_slot(id, 60, t0);
    desk.round_at(&runner, s0).await;
    desk.round_at(&runner, s0 + secs(60)).await;
    // Every node was down for ten minutes.
    desk.round_at(&runner, s0 + secs(720)).await;
    desk.app.clock.set(s0 + secs(780));
    let (_, a) = desk
        .call(
            "GET",
            &format!(
                "/api/v1/systems/{}/availability?period=day&at=2026-11-02",
                desk.system
            ),
            None,
        )
        .await;
    // Up from s0 until the last result stopped being trusted (s0+60+90), unknown to s0+720.
    assert_eq!(a["up_secs"], 150 + 60);
    assert_eq!(
        a["unknown_secs"],
        s0.duration_since(ts("2026-11-01T22:00:00Z")).as_secs() + (720 - 150)
    );
    assert_eq!(a["down_secs"], 0);

    runner.flush().await;
    let store = &desk.app.store;
    let hour = s0.as_second().div_euclid(3600);
    let m = tierline_store::MonitorId(id);
    let mut before = 0;
    for h in [hour, hour + 1] {
        before += store
            .hour_results(m, h)
            .await
            .unwrap()
            .map_or(0, |r| r.checks);
    }
    assert_eq!(before, 3);
    let retention = tierline_store::Retention {
        raw_days: 1,
        hour_days: 2,
        day_days: 3,
    };
    store
        .prune_results(
            s0 + secs(86_400 + 7200),
            retention,
            Some(s0 + secs(86_400 + 3600)),
        )
        .await
        .unwrap();
    let kept = store.hour_results(m, hour).await.unwrap().unwrap();
    assert!(
        kept.samples.is_empty(),
        "raw results go after their retention"
    );
    assert_eq!(
        kept.checks
            + store
                .hour_results(m, hour + 1)
                .await
                .unwrap()
                .map_or(0, |r| r.checks),
        3,
        "counts stay"
    );
    store
        .prune_results(s0 + secs(86_400 * 10), retention, None)
        .await
        .unwrap();
    assert!(
        store.hour_results(m, hour).await.unwrap().is_none(),
        "hours fold into days, days go after theirs"
    );
}

//! HTTP and TCP servers that go down and come back.

use serde_json::json;
use tierline_monitor::Checker;
use tierline_store::Backend;

use crate::helpers::{Desk, Loopback, Serve, first_slot, secs, ts};

pub async fn http_outage_is_confirmed_recorded_and_measured(backend: Backend) {
    let t0 = ts("2026-11-02T10:00:00Z");
    let desk = Desk::new(backend, t0, true).await;
    let mut server = Loopback::start(Serve::Http).await;
    let (id, _) = desk
        .monitor(json!({"name": "Home page", "check": {"kind": "http", "url": server.url(), "keyword": "ok"},
                        "interval_secs": 60, "retries": 2, "retry_interval_secs": 20}))
        .await;
    let runner = desk.runner(Checker::new(&[]).unwrap());
    let s0 = first_slot(id, 60, t0);
    assert_eq!(desk.round_at(&runner, s0 - secs(1)).await, 0, "not due yet");
    assert_eq!(desk.round_at(&runner, s0).await, 1);
    let (_, m) = desk
        .call("GET", &format!("/api/v1/monitors/{id}"), None)
        .await;
    assert_eq!(m["health"], "up");

    server.stop().await;
    // Two failures are retries, not downtime.
    for at in [s0 + secs(60), s0 + secs(80)] {
        assert_eq!(
            desk.round_at(&runner, at).await,
            1,
            "a retry runs after 20 s"
        );
        let (_, m) = desk
            .call("GET", &format!("/api/v1/monitors/{id}"), None)
            .await;
        assert_eq!(m["health"], "up");
        assert!(desk.monitoring_tickets().await.is_empty());
    }
    assert_eq!(desk.round_at(&runner, s0 + secs(100)).await, 1);
    let (_, m) = desk
        .call("GET", &format!("/api/v1/monitors/{id}"), None)
        .await;
    assert_eq!(m["health"], "down");
    let tickets = desk.monitoring_tickets().await;
    assert_eq!(tickets.len(), 1, "a confirmed down opens an incident");
    let t = &tickets[0];
    assert_eq!(t["class"], 3, "HTTP down is the whole application down");
    assert_eq!(
        t["opened_at"]
            .as_str()
            .unwrap()
            .parse::<jiff::Timestamp>()
            .unwrap(),
        s0 + secs(100),
        "clocks run from detection"
    );
    assert_eq!(m["incident_ticket_id"], t["id"]);

    // Still down: the incident is not opened again.
    assert_eq!(desk.round_at(&runner, s0 + secs(120)).await, 1);
    assert_eq!(desk.monitoring_tickets().await.len(), 1);

    server.restart().await;
    assert_eq!(desk.round_at(&runner, s0 + secs(180)).await, 1);
    let (_, m) = desk
        .call("GET", &format!("/api/v1/monitors/{id}"), None)
        .await;
    assert_eq!(m["health"], "up");
    assert!(m["incident_ticket_id"].is_null());

    let (_, incidents) = desk
        .call(
            "GET",
            &format!("/api/v1/systems/{}/incidents", desk.system),
            None,
        )
        .await;
    assert_eq!(incidents.as_array().unwrap().len(), 1);
    let i = &incidents[0];
    assert_eq!(i["found_before_customer"], true);
    assert_eq!(
        i["downtime_secs"], 120,
        "down from the first failure (s0+60) to the recovery (s0+180)"
    );
    assert_eq!(i["status"], "new", "closing stays an agent's decision");
    let (_, events) = desk
        .call("GET", &format!("/api/v1/tickets/{}/events", t["id"]), None)
        .await;
    let kinds: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["created", "monitor.down", "monitor.recovered"]);
    let recovered = events.as_array().unwrap().last().unwrap();
    assert_eq!(recovered["data"]["downtime_secs"], 120);

    // Availability of the local day (Kyiv, UTC+2), exact to the second.
    desk.app.clock.set(s0 + secs(240));
    let (status, a) = desk
        .call(
            "GET",
            &format!(
                "/api/v1/systems/{}/availability?period=day&at=2026-11-02",
                desk.system
            ),
            None,
        )
        .await;
    assert_eq!(status, 200, "{a}");
    let day_start = ts("2026-11-01T22:00:00Z");
    assert_eq!(a["down_secs"], 120);
    assert_eq!(a["up_secs"], 60 + 60);
    assert_eq!(
        a["unknown_secs"],
        s0.duration_since(day_start).as_secs(),
        "before the first check nothing is known"
    );
    assert_eq!(a["maintenance_secs"], 0);
    assert_eq!(a["availability"], 0.5);
    assert_eq!(a["guarantee"], 0.995);
    assert_eq!(a["meets_guarantee"], false);
    assert_eq!(a["allowed_down_secs"], 86_400 * 50 / 10_000);
    assert_eq!(a["remaining_down_secs"], 432 - 120);
    assert_eq!(a["tz"], "Europe/Kyiv");
    let (_, month) = desk
        .call(
            "GET",
            &format!(
                "/api/v1/systems/{}/availability?period=month&at=2026-11",
                desk.system
            ),
            None,
        )
        .await;
    assert_eq!(month["down_secs"], 120);
    assert_eq!(
        month["days"].as_array().unwrap().len(),
        2,
        "days up to now, for uptime bars"
    );
    assert_eq!(month["allowed_down_secs"], 30 * 86_400 * 50 / 10_000);

    // Results are stored compactly: four bytes a check.
    runner.flush().await;
    let hour = s0.as_second().div_euclid(3600);
    let stored = desk
        .app
        .store
        .hour_results(tierline_store::MonitorId(id), hour)
        .await
        .unwrap()
        .unwrap();
    let later = desk
        .app
        .store
        .hour_results(tierline_store::MonitorId(id), hour + 1)
        .await
        .unwrap();
    let checks = stored.checks + later.as_ref().map_or(0, |h| h.checks);
    assert_eq!(checks, 6);
    assert_eq!(
        i64::try_from(stored.samples.len()).unwrap(),
        stored.checks * 4
    );
}

pub async fn tcp_outages_add_to_one_incident(backend: Backend) {
    let t0 = ts("2026-11-02T10:00:00Z");
    let desk = Desk::new(backend, t0, true).await;
    let mut server = Loopback::start(Serve::Tcp).await;
    let (id, _) = desk
        .monitor(json!({"name": "Database port", "check": {"kind": "tcp", "host": "127.0.0.1", "port": server.addr.port()},
                        "interval_secs": 60, "retries": 0}))
        .await;
    let runner = desk.runner(Checker::new(&[]).unwrap());
    let s0 = first_slot(id, 60, t0);
    desk.round_at(&runner, s0).await;
    // The customer tells us first.
    let (status, _) = desk
        .call(
            "POST",
            "/api/v1/tickets",
            Some(&json!({"customer_id": desk.customer, "system_id": desk.system, "subject": "Orders fail",
                         "class": 4, "channel": "phone"})),
        )
        .await;
    assert_eq!(status, 201);
    server.stop().await;
    desk.round_at(&runner, s0 + secs(60)).await;
    let tickets = desk.monitoring_tickets().await;
    assert_eq!(tickets.len(), 1);
    let (_, incidents) = desk
        .call(
            "GET",
            &format!("/api/v1/systems/{}/incidents", desk.system),
            None,
        )
        .await;
    assert_eq!(
        incidents[0]["found_before_customer"], false,
        "the customer reported it first"
    );
    assert_eq!(tickets[0]["class"], 2, "a server-level failure");
    server.restart().await;
    desk.round_at(&runner, s0 + secs(120)).await;
    server.stop().await;
    desk.round_at(&runner, s0 + secs(180)).await;
    server.restart().await;
    desk.round_at(&runner, s0 + secs(240)).await;
    assert_eq!(
        desk.monitoring_tickets().await.len(),
        1,
        "the open incident takes the second outage"
    );
    let (_, incidents) = desk
        .call(
            "GET",
            &format!("/api/v1/systems/{}/incidents", desk.system),
            None,
        )
        .await;
    assert_eq!(incidents[0]["downtime_secs"], 120);
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
    assert_eq!(downs, 2);
}

pub async fn maintenance_hides_an_outage(backend: Backend) {
    let t0 = ts("2026-11-02T10:00:00Z");
    let desk = Desk::new(backend, t0, true).await;
    let mut server = Loopback::start(Serve::Http).await;
    let (id, _) = desk
        .monitor(json!({"name": "Home page", "check": {"kind": "http", "url": server.url()}, "interval_secs": 60, "retries": 0}))
        .await;
    let runner = desk.runner(Checker::new(&[]).unwrap());
    let s0 = first_slot(id, 60, t0);
    let (status, w) = desk
        .call(
            "POST",
            &format!("/api/v1/systems/{}/maintenance", desk.system),
            Some(&json!({"reason": "nginx upgrade", "starts_at": (s0 + secs(30)).to_string(), "ends_at": (s0 + secs(200)).to_string()})),
        )
        .await;
    assert_eq!(status, 201, "{w}");
    desk.round_at(&runner, s0).await;
    server.stop().await;
    desk.round_at(&runner, s0 + secs(60)).await;
    desk.round_at(&runner, s0 + secs(120)).await;
    let (_, m) = desk
        .call("GET", &format!("/api/v1/monitors/{id}"), None)
        .await;
    assert_eq!(m["health"], "down");
    server.restart().await;
    desk.round_at(&runner, s0 + secs(180)).await;
    assert!(
        desk.monitoring_tickets().await.is_empty(),
        "planned work opens no incident"
    );
    desk.app.clock.set(s0 + secs(300));
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
    assert_eq!(a["down_secs"], 0, "and costs no availability");
    assert_eq!(a["maintenance_secs"], 170);
    assert_eq!(a["up_secs"], 300 - 170);
    assert_eq!(a["availability"], 1.0);
}

pub async fn no_stability_no_incident(backend: Backend) {
    let t0 = ts("2026-11-02T10:00:00Z");
    let desk = Desk::new(backend, t0, false).await;
    let server = Loopback::start(Serve::Tcp).await;
    let port = server.addr.port();
    drop(server);
    let (id, _) = desk
        .monitor(json!({"name": "SSH", "check": {"kind": "tcp", "host": "127.0.0.1", "port": port}, "retries": 0}))
        .await;
    let runner = desk.runner(Checker::new(&[]).unwrap());
    desk.round_at(&runner, first_slot(id, 60, t0)).await;
    let (_, m) = desk
        .call("GET", &format!("/api/v1/monitors/{id}"), None)
        .await;
    assert_eq!(m["health"], "down", "monitored all the same");
    assert!(
        m["last_message"]
            .as_str()
            .unwrap()
            .contains("cannot connect")
    );
    assert!(
        desk.monitoring_tickets().await.is_empty(),
        "incidents are for Stability contracts"
    );
}

pub async fn auto_resolve_and_flapping_make_no_storm(backend: Backend) {
    let t0 = ts("2026-11-02T10:00:00Z");
    let desk = Desk::new(backend, t0, true).await;
    let mut server = Loopback::start(Serve::Tcp).await;
    let (id, _) = desk
        .monitor(json!({"name": "API port", "check": {"kind": "tcp", "host": "127.0.0.1", "port": server.addr.port()},
                        "interval_secs": 60, "retries": 0, "auto_resolve": true}))
        .await;
    let runner = desk.runner(Checker::new(&[]).unwrap());
    let s0 = first_slot(id, 60, t0);
    desk.round_at(&runner, s0).await;
    // Down and up five times in ten minutes.
    for k in 0..5 {
        server.stop().await;
        desk.round_at(&runner, s0 + secs(120 * k + 60)).await;
        server.restart().await;
        desk.round_at(&runner, s0 + secs(120 * k + 120)).await;
        if k == 0 {
            let tickets = desk.monitoring_tickets().await;
            assert_eq!(
                tickets[0]["status"], "resolved",
                "auto-resolve: recovery resolves the incident"
            );
        }
    }
    let tickets = desk.monitoring_tickets().await;
    assert_eq!(tickets.len(), 1, "one incident, reopened, not a storm");
    assert_eq!(
        tickets[0]["status"], "open",
        "a flapping monitor does not resolve its incident"
    );
    let (_, incidents) = desk
        .call(
            "GET",
            &format!("/api/v1/systems/{}/incidents", desk.system),
            None,
        )
        .await;
    assert_eq!(incidents[0]["flapping"], true);
    assert_eq!(incidents[0]["downtime_secs"], 5 * 60);
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
    assert!(downs < 5, "flapping downs are not all noted ({downs})");
    // Availability still counts every second of it.
    desk.app.clock.set(s0 + secs(600));
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
    assert_eq!(a["down_secs"], 300);
    assert_eq!(a["up_secs"], 300);
}

pub async fn http_checks_look_at_status_keyword_and_latency(backend: Backend) {
    let t0 = ts("2026-11-02T10:00:00Z");
    let desk = Desk::new(backend, t0, false).await;
    let app = axum::Router::new()
        .route("/page", axum::routing::get(|| async { "shop: ok" }))
        .route(
            "/slow",
            axum::routing::get(|| async {
                tokio::time::sleep(std::time::Duration::from_millis(300)).await;
                "slow but fine"
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let cases = [
        (
            json!({"kind": "http", "url": format!("{base}/page"), "keyword": "ok", "expected_status": 200}),
            "up",
            None,
        ),
        (
            json!({"kind": "http", "url": format!("{base}/page"), "keyword": "ok", "keyword_absent": true}),
            "down",
            Some("the body contains"),
        ),
        (
            json!({"kind": "http", "url": format!("{base}/page"), "keyword": "Add to cart"}),
            "down",
            Some("does not contain"),
        ),
        (
            json!({"kind": "http", "url": format!("{base}/page"), "expected_status": 204}),
            "down",
            Some("status 200"),
        ),
        (
            json!({"kind": "http", "url": format!("{base}/missing")}),
            "down",
            Some("status 404"),
        ),
        (
            json!({"kind": "http", "url": format!("{base}/slow"), "max_latency_ms": 100}),
            "down",
            Some("over 100 ms"),
        ),
        (
            json!({"kind": "http", "url": format!("{base}/slow"), "method": "GET"}),
            "up",
            None,
        ),
        (
            json!({"kind": "http", "url": format!("{base}/slow")}),
            "down",
            Some("timed out"),
        ),
    ];
    let mut ids = Vec::new();
    for (i, (check, _, _)) in cases.iter().enumerate() {
        let timeout = if i == cases.len() - 1 { 100 } else { 5000 };
        let (id, _) = desk
            .monitor(json!({"name": format!("case {i}"), "check": check, "retries": 0, "timeout_ms": timeout}))
            .await;
        ids.push(id);
    }
    let runner = desk.runner(Checker::new(&[]).unwrap());
    let last = ids.iter().map(|&id| first_slot(id, 60, t0)).max().unwrap();
    desk.round_at(&runner, last).await;
    for ((_, health, message), id) in cases.iter().zip(&ids) {
        let (_, m) = desk
            .call("GET", &format!("/api/v1/monitors/{id}"), None)
            .await;
        assert_eq!(m["health"], *health, "{m}");
        if let Some(text) = message {
            assert!(m["last_message"].as_str().unwrap().contains(text), "{m}");
        }
    }
}

//! Monitoring's API: alert webhooks (Alertmanager, Grafana, Zabbix) firing, repeated and
//! resolved, their secret; monitors and availability behind the same isolation as the rest.

use serde_json::{Value, json};
use tierline_store::{Backend, Role};
use tierline_testkit::TestApp;

fn ts(s: &str) -> jiff::Timestamp {
    s.parse().unwrap()
}

struct Shop {
    app: TestApp,
    admin: String,
    customer: i64,
    system: i64,
}

async fn shop(backend: Backend) -> Shop {
    let app = TestApp::spawn(backend, ts("2026-11-20T10:05:00Z")).await;
    let (_, admin) = app.user("admin@desk.test", Role::Admin, None, &[]).await;
    let (_, c) = app
        .call(
            "POST",
            "/api/v1/customers",
            Some(&admin),
            Some(&json!({"name": "Acme"})),
        )
        .await;
    let customer = c["id"].as_i64().unwrap();
    let terms = json!({"effective_from": "2026-01-01", "terms": {"calendar": {"tz": "Europe/Kyiv", "coverage": "24x7"}, "stability": true}});
    app.call(
        "POST",
        &format!("/api/v1/customers/{customer}/contracts"),
        Some(&admin),
        Some(&terms),
    )
    .await;
    let (_, s) = app
        .call(
            "POST",
            &format!("/api/v1/customers/{customer}/systems"),
            Some(&admin),
            Some(&json!({"name": "Shop", "built_by_us": false})),
        )
        .await;
    Shop {
        system: s["id"].as_i64().unwrap(),
        app,
        admin,
        customer,
    }
}

impl Shop {
    async fn post(&self, path: &str, secret: Option<&str>, body: &Value) -> (u16, Value) {
        self.app.call("POST", path, secret, Some(body)).await
    }

    async fn tickets(&self) -> Vec<Value> {
        let (_, page) = self
            .app
            .call("GET", "/api/v1/tickets?limit=100", Some(&self.admin), None)
            .await;
        page["items"].as_array().unwrap().clone()
    }

    async fn events(&self, ticket: &Value) -> Vec<String> {
        let (_, ev) = self
            .app
            .call(
                "GET",
                &format!("/api/v1/tickets/{ticket}/events"),
                Some(&self.admin),
                None,
            )
            .await;
        ev.as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap().to_owned())
            .collect()
    }
}

fn alertmanager(status: &str, ends_at: &str) -> Value {
    json!({
        "version": "4", "status": status, "receiver": "tierline", "groupKey": "{}:{alertname=\"HighCPU\"}",
        "truncatedAlerts": 0, "groupLabels": {"alertname": "HighCPU"}, "commonLabels": {}, "commonAnnotations": {},
        "externalURL": "http://alertmanager:9093",
        "alerts": [{
            "status": status,
            "labels": {"alertname": "HighCPU", "instance": "shop-1:9100", "severity": "critical", "tierline_system": "Shop"},
            "annotations": {"summary": "CPU over 90% for 10 minutes"},
            "startsAt": "2026-11-20T10:00:00Z", "endsAt": ends_at,
            "generatorURL": "http://prometheus:9090/graph", "fingerprint": "c0ffee"
        }]
    })
}

pub async fn alert_webhooks_open_repeat_and_resolve_incidents(backend: Backend) {
    let s = shop(backend).await;
    let (status, secret) = s
        .app
        .call(
            "POST",
            &format!("/api/v1/customers/{}/alert-secret", s.customer),
            Some(&s.admin),
            None,
        )
        .await;
    assert_eq!(status, 201);
    let secret = secret["secret"].as_str().unwrap().to_owned();
    let firing = alertmanager("firing", "0001-01-01T00:00:00Z");

    // A wrong or missing secret is refused, and writes nothing.
    let (status, _) = s
        .post("/api/v1/alerts/alertmanager", Some("wh_wrong"), &firing)
        .await;
    assert_eq!(status, 401);
    let (status, _) = s.post("/api/v1/alerts/alertmanager", None, &firing).await;
    assert_eq!(status, 401);
    let (status, _) = s
        .post("/api/v1/alerts/zabbix?secret=wh_wrong", None, &json!({}))
        .await;
    assert_eq!(status, 401);
    assert!(s.tickets().await.is_empty());

    // Alertmanager: firing opens, a repeat updates, resolved records the recovery.
    let (status, a) = s
        .post("/api/v1/alerts/alertmanager", Some(&secret), &firing)
        .await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["alerts"][0]["action"], "opened");
    let ticket = a["alerts"][0]["ticket_id"].clone();
    let tickets = s.tickets().await;
    assert_eq!(tickets.len(), 1);
    assert_eq!(tickets[0]["channel"], "monitoring");
    assert_eq!(tickets[0]["class"], 2, "resource alerts are server-level");
    assert_eq!(tickets[0]["system_id"], s.system);
    let (_, a) = s
        .post("/api/v1/alerts/alertmanager", Some(&secret), &firing)
        .await;
    assert_eq!(a["alerts"][0]["action"], "repeated");
    assert_eq!(a["alerts"][0]["ticket_id"], ticket);
    assert_eq!(s.tickets().await.len(), 1, "a duplicate opens nothing");
    let (_, a) = s
        .post(
            "/api/v1/alerts/alertmanager",
            Some(&secret),
            &alertmanager("resolved", "2026-11-20T10:04:00Z"),
        )
        .await;
    assert_eq!(a["alerts"][0]["action"], "resolved");
    assert_eq!(
        s.events(&ticket).await,
        ["created", "alert.firing", "alert.resolved"]
    );
    let (_, incidents) = s
        .app
        .call(
            "GET",
            &format!("/api/v1/systems/{}/incidents", s.system),
            Some(&s.admin),
            None,
        )
        .await;
    assert_eq!(incidents[0]["downtime_secs"], 240);
    assert_eq!(incidents[0]["recovered_at"], "2026-11-20T10:04:00Z");
    let (_, a) = s
        .post(
            "/api/v1/alerts/alertmanager",
            Some(&secret),
            &alertmanager("resolved", "2026-11-20T10:04:00Z"),
        )
        .await;
    assert_eq!(
        a["alerts"][0]["action"], "ignored",
        "a repeated resolution changes nothing"
    );

    // Grafana's contact point, through ?secret=, with a class of its own and no system.
    let grafana = |status: &str| {
        json!({
            "receiver": "tierline", "status": status, "orgId": 1, "version": "1", "groupKey": "{}:{}",
            "truncatedAlerts": 0, "title": "[FIRING:1] Checkout errors", "state": "alerting", "message": "",
            "groupLabels": {}, "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://grafana:3000/",
            "alerts": [{"status": status, "labels": {"alertname": "Checkout errors", "tierline_class": "3"},
                        "annotations": {"summary": "5xx over 20%"}, "startsAt": "2026-11-20T10:01:00Z",
                        "endsAt": if status == "firing" { "0001-01-01T00:00:00Z" } else { "2026-11-20T10:03:00Z" },
                        "generatorURL": "", "fingerprint": "9a9a", "silenceURL": "", "dashboardURL": "", "panelURL": "",
                        "values": {"A": 23.5}}]
        })
    };
    let (status, a) = s
        .post(
            &format!("/api/v1/alerts/grafana?secret={secret}"),
            None,
            &grafana("firing"),
        )
        .await;
    assert_eq!(status, 200, "{a}");
    assert_eq!(a["alerts"][0]["action"], "opened");
    let grafana_ticket = a["alerts"][0]["ticket_id"].clone();
    assert_ne!(grafana_ticket, ticket);
    let (_, t) = s
        .app
        .call(
            "GET",
            &format!("/api/v1/tickets/{grafana_ticket}"),
            Some(&s.admin),
            None,
        )
        .await;
    assert_eq!(t["class"], 3);
    let (_, a) = s
        .post("/api/v1/alerts/grafana", Some(&secret), &grafana("firing"))
        .await;
    assert_eq!(a["alerts"][0]["action"], "repeated");
    let (_, a) = s
        .post(
            "/api/v1/alerts/grafana",
            Some(&secret),
            &grafana("resolved"),
        )
        .await;
    assert_eq!(a["alerts"][0]["action"], "resolved");

    // Zabbix, in tierline's documented shape: its system's incident is still open, so the
    // problem is added to it.
    let zabbix = |status: &str| {
        json!({"event_id": "73521", "status": status, "host": "shop-db-1", "trigger": "Free disk space is less than 5% on /var",
               "severity": "High", "message": "Free disk space: 3.2%", "at": "2026-11-20T10:02:00Z", "system": "Shop"})
    };
    let (_, a) = s
        .post("/api/v1/alerts/zabbix", Some(&secret), &zabbix("PROBLEM"))
        .await;
    assert_eq!(a["alerts"][0]["action"], "added", "{a}");
    assert_eq!(a["alerts"][0]["ticket_id"], ticket);
    let (_, a) = s
        .post("/api/v1/alerts/zabbix", Some(&secret), &zabbix("PROBLEM"))
        .await;
    assert_eq!(a["alerts"][0]["action"], "repeated");
    let (_, a) = s
        .post("/api/v1/alerts/zabbix", Some(&secret), &zabbix("RESOLVED"))
        .await;
    assert_eq!(a["alerts"][0]["action"], "resolved");
    assert_eq!(s.tickets().await.len(), 2);
    let (status, _) = s
        .post(
            "/api/v1/alerts/zabbix",
            Some(&secret),
            &json!({"event_id": "1", "status": "MAYBE", "trigger": "x"}),
        )
        .await;
    assert_eq!(status, 422);

    // A new secret retires the old one.
    let (_, new) = s
        .app
        .call(
            "POST",
            &format!("/api/v1/customers/{}/alert-secret", s.customer),
            Some(&s.admin),
            None,
        )
        .await;
    let (status, _) = s
        .post("/api/v1/alerts/alertmanager", Some(&secret), &firing)
        .await;
    assert_eq!(status, 401);
    let (status, _) = s
        .post(
            "/api/v1/alerts/alertmanager",
            Some(new["secret"].as_str().unwrap()),
            &firing,
        )
        .await;
    assert_eq!(status, 200);
}

pub async fn monitors_are_for_staff_to_set_and_customers_to_see(backend: Backend) {
    let s = shop(backend).await;
    let (_, own) = s
        .app
        .user("ann@acme.test", Role::Customer, Some(s.customer), &[])
        .await;
    let (_, other_c) = s
        .app
        .call(
            "POST",
            "/api/v1/customers",
            Some(&s.admin),
            Some(&json!({"name": "Globex"})),
        )
        .await;
    let (_, stranger) = s
        .app
        .user(
            "gus@globex.test",
            Role::Customer,
            Some(other_c["id"].as_i64().unwrap()),
            &[],
        )
        .await;
    let monitor =
        json!({"name": "Home", "check": {"kind": "http", "url": "https://shop.example/"}});
    let path = format!("/api/v1/systems/{}/monitors", s.system);
    let (status, m) = s.post(&path, Some(&s.admin), &monitor).await;
    assert_eq!(status, 201, "{m}");
    assert_eq!(m["incident_class"], 3);
    assert_eq!(m["retries"], 2);
    assert_eq!(m["health"], "unknown");
    let (status, _) = s.post(&path, Some(&own), &monitor).await;
    assert_eq!(status, 403, "customers do not set monitors");
    let (status, e) = s
        .post(
            &path,
            Some(&s.admin),
            &json!({"name": "x", "check": {"kind": "http", "url": "ftp://x"}}),
        )
        .await;
    assert_eq!(
        (status, e["errors"][0]["field"].as_str()),
        (422, Some("check"))
    );
    let (status, e) = s
        .post(&path, Some(&s.admin), &json!({"name": "x", "check": {"kind": "tcp", "host": "db", "port": 5432}, "interval_secs": 5}))
        .await;
    assert_eq!(
        (status, e["errors"][0]["field"].as_str()),
        (422, Some("interval_secs"))
    );
    let (status, e) = s
        .post(
            &format!("/api/v1/systems/{}/maintenance", s.system),
            Some(&s.admin),
            &json!({"reason": "weekly", "starts_at": "2026-11-01T00:00:00Z",
                    "recurrence": {"weekdays": [7], "at": "02:00", "minutes": 60}}),
        )
        .await;
    assert_eq!(status, 201, "{e}");

    let id = m["id"].as_i64().unwrap();
    let (status, changed) = s
        .app
        .call(
            "PUT",
            &format!("/api/v1/monitors/{id}"),
            Some(&s.admin),
            Some(&json!({"name": "Home", "check": {"kind": "http", "url": "https://shop.example/"}, "interval_secs": 120, "enabled": false})),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(
        (
            changed["interval_secs"].as_i64(),
            changed["enabled"].as_bool()
        ),
        (Some(120), Some(false))
    );
    assert_eq!(
        changed["health"], "unknown",
        "a paused monitor knows nothing"
    );
    let (status, e) = s
        .app
        .call(
            "PUT",
            &format!("/api/v1/monitors/{id}"),
            Some(&s.admin),
            Some(&json!({"name": "Home", "check": {"kind": "tcp", "host": "shop.example", "port": 443}})),
        )
        .await;
    assert_eq!(
        (status, e["errors"][0]["field"].as_str()),
        (422, Some("check")),
        "the kind stays"
    );
    let (status, _) = s
        .app
        .call(
            "PUT",
            &format!("/api/v1/monitors/{id}"),
            Some(&own),
            Some(&monitor),
        )
        .await;
    assert_eq!(status, 403);
    for p in [
        path.clone(),
        format!("/api/v1/monitors/{id}"),
        format!(
            "/api/v1/systems/{}/availability?period=year&at=2026",
            s.system
        ),
        format!("/api/v1/systems/{}/incidents", s.system),
        format!("/api/v1/systems/{}/maintenance", s.system),
    ] {
        let (status, body) = s.app.call("GET", &p, Some(&own), None).await;
        assert_eq!(status, 200, "{p}: {body}");
        let (status, _) = s.app.call("GET", &p, Some(&stranger), None).await;
        assert_eq!(
            status, 404,
            "{p}: another organisation's system is not found"
        );
    }
    let (_, a) = s
        .app
        .call(
            "GET",
            &format!(
                "/api/v1/systems/{}/availability?period=month&at=2026-11",
                s.system
            ),
            Some(&own),
            None,
        )
        .await;
    assert_eq!(a["guarantee"], 0.99, "third-party systems: 99 %");
    assert_eq!(
        a["maintenance_secs"],
        3 * 3600,
        "three Sunday windows by the 20th"
    );
    assert!(a["availability"].is_null(), "no data yet is not 100 %");
    let (status, _) = s
        .app
        .call(
            "GET",
            &format!("/api/v1/systems/{}/availability?period=week", s.system),
            Some(&own),
            None,
        )
        .await;
    assert_eq!(status, 422);
    let (status, all) = s
        .app
        .call(
            "GET",
            &format!(
                "/api/v1/customers/{}/availability?period=year&at=2026",
                s.customer
            ),
            Some(&own),
            None,
        )
        .await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(all.as_array().unwrap().len(), 1);
    assert_eq!(all[0]["system_id"], s.system);
    let (status, _) = s
        .app
        .call(
            "GET",
            &format!("/api/v1/customers/{}/availability", s.customer),
            Some(&stranger),
            None,
        )
        .await;
    assert_eq!(status, 404);
}

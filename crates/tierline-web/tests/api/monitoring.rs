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

/// A signed-in browser without JavaScript, enough for the monitors page: cookies kept by hand,
/// redirects not followed, the last page's CSRF token.
struct Signed {
    http: reqwest::Client,
    base: String,
    cookies: Vec<(String, String)>,
    csrf: String,
}

impl Signed {
    async fn new(app: &TestApp, email: &str, password: &str) -> Signed {
        let mut b = Signed {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: app.url(""),
            cookies: Vec::new(),
            csrf: String::new(),
        };
        b.get("/login").await;
        let (status, _) = b
            .post("/login", &[("email", email), ("password", password)])
            .await;
        assert_eq!(status, 303);
        b
    }

    async fn keep(&mut self, r: reqwest::Response) -> (u16, String) {
        for c in r.headers().get_all("set-cookie") {
            let c = c.to_str().unwrap();
            let kv = c.split(';').next().unwrap();
            let (k, v) = kv.split_once('=').unwrap();
            self.cookies.retain(|(name, _)| name != k);
            if !v.is_empty() {
                self.cookies.push((k.to_owned(), v.to_owned()));
            }
        }
        let status = r.status().as_u16();
        let body = r.text().await.unwrap();
        if let Some(i) = body.find("name=\"_csrf\" value=\"") {
            let rest = &body[i + 20..];
            self.csrf = rest[..rest.find('"').unwrap()].to_owned();
        }
        (status, body)
    }

    fn cookie(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn get(&mut self, path: &str) -> (u16, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie())
            .header("accept-language", "uk")
            .send()
            .await
            .unwrap();
        self.keep(r).await
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> (u16, String) {
        let mut pairs: Vec<(String, String)> = form
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        pairs.push(("_csrf".to_owned(), self.csrf.clone()));
        let body = pairs
            .iter()
            .map(|(k, v)| format!("{k}={}", v.replace('@', "%40").replace(' ', "+")))
            .collect::<Vec<_>>()
            .join("&");
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        self.keep(r).await
    }
}

pub async fn monitors_reach_private_addresses_only_as_an_administrator_allows(backend: Backend) {
    let s = shop(backend).await;
    let (_, agent) = s
        .app
        .user("alex@desk.test", Role::Agent, None, &[1, 2])
        .await;
    let path = format!("/api/v1/systems/{}/monitors", s.system);
    let field = |e: &Value| e["errors"][0]["field"].as_str().map(str::to_owned);

    // An agent: no address inside the desk written out, and no allowance.
    let (status, e) = s
        .post(
            &path,
            Some(&agent),
            &json!({"name": "x", "check": {"kind": "http", "url": "http://127.0.0.1:9/"}}),
        )
        .await;
    assert_eq!((status, field(&e).as_deref()), (422, Some("check")), "{e}");
    assert!(
        e["errors"][0]["message"]
            .as_str()
            .unwrap()
            .starts_with("target address not allowed: loopback"),
        "{e}"
    );
    let (status, e) = s
        .post(&path, Some(&agent), &json!({"name": "x", "check": {"kind": "tcp", "host": "db.internal", "port": 5432}, "allow_private_targets": true}))
        .await;
    assert_eq!(status, 403, "{e}");
    let (status, m) = s
        .post(
            &path,
            Some(&agent),
            &json!({"name": "named", "check": {"kind": "tcp", "host": "localhost", "port": 5432}}),
        )
        .await;
    assert_eq!(
        (status, &m["allow_private_targets"]),
        (201, &json!(false)),
        "{m}"
    );
    // Heartbeats connect to nothing: no allowance to give.
    let (status, e) = s
        .post(&path, Some(&s.admin), &json!({"name": "hb", "check": {"kind": "heartbeat", "period_secs": 60}, "allow_private_targets": true}))
        .await;
    assert_eq!(
        (status, field(&e).as_deref()),
        (422, Some("allow_private_targets")),
        "{e}"
    );

    // An administrator allows one target; it stays with that target only.
    let db = json!({"name": "DB", "check": {"kind": "tcp", "host": "10.0.0.5", "port": 5432}, "allow_private_targets": true});
    let (status, m) = s.post(&path, Some(&s.admin), &db).await;
    assert_eq!(
        (status, &m["allow_private_targets"]),
        (201, &json!(true)),
        "{m}"
    );
    let id = m["id"].as_i64().unwrap();
    let put = |token: &str, body: Value| {
        let token = token.to_owned();
        let app = &s.app;
        async move {
            app.call(
                "PUT",
                &format!("/api/v1/monitors/{id}"),
                Some(&token),
                Some(&body),
            )
            .await
        }
    };
    let (status, m) = put(&agent, json!({"name": "DB", "check": {"kind": "tcp", "host": "10.0.0.5", "port": 5432}, "interval_secs": 120})).await;
    assert_eq!(
        (status, &m["allow_private_targets"]),
        (200, &json!(true)),
        "an edit keeping the target keeps it: {m}"
    );
    let (status, m) = put(&agent, db.clone()).await;
    assert_eq!(
        (status, &m["allow_private_targets"]),
        (200, &json!(true)),
        "sending it back unchanged is no change: {m}"
    );
    let (status, e) = put(&agent, json!({"name": "DB", "check": {"kind": "tcp", "host": "10.0.0.6", "port": 5432}, "allow_private_targets": true})).await;
    assert_eq!(status, 403, "an agent cannot carry it to another host: {e}");
    let (status, e) = put(
        &agent,
        json!({"name": "DB", "check": {"kind": "tcp", "host": "10.0.0.5", "port": 22}}),
    )
    .await;
    assert_eq!(
        (status, field(&e).as_deref()),
        (422, Some("check")),
        "another port loses it: {e}"
    );
    let (status, m) = put(
        &agent,
        json!({"name": "DB", "check": {"kind": "tcp", "host": "db.internal", "port": 5432}}),
    )
    .await;
    assert_eq!(
        (status, &m["allow_private_targets"]),
        (200, &json!(false)),
        "{m}"
    );
    let (status, m) = put(&s.admin, json!({"name": "DB", "check": {"kind": "tcp", "host": "10.0.0.6", "port": 5432}, "allow_private_targets": true})).await;
    assert_eq!(
        (status, &m["allow_private_targets"]),
        (200, &json!(true)),
        "{m}"
    );

    // The administrators' page: the checkbox gives and withdraws it; a refusal is translated.
    s.app
        .store
        .save_tracker(
            tierline_store::MonitorId(id),
            &tierline_domain::monitor::Tracker::default(),
            Some("target address not allowed: link-local"),
            None,
        )
        .await
        .unwrap();
    const PASSWORD: &str = "a long enough password";
    for (email, role) in [("boss@desk.test", "admin"), ("agnes@desk.test", "agent")] {
        let (status, u) = s
            .post(
                "/api/v1/users",
                Some(&s.admin),
                &json!({"email": email, "name": email, "role": role, "lines": [1], "password": PASSWORD}),
            )
            .await;
        assert_eq!(status, 201, "{u}");
    }
    let mut boss = Signed::new(&s.app, "boss@desk.test", PASSWORD).await;
    let (status, customer_page) = boss.get(&format!("/admin/customers/{}", s.customer)).await;
    assert_eq!(status, 200);
    let page = format!("/admin/systems/{}/monitors", s.system);
    assert!(
        customer_page.contains(&page),
        "the customer's page links to it"
    );
    let (status, body) = boss.get(&page).await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains("Адресу цілі заборонено: локальна в межах каналу (link-local)"),
        "{body}"
    );
    let action = format!("/admin/monitors/{id}/private-targets");
    assert!(body.contains(&action), "{body}");
    let (status, _) = boss.post(&action, &[]).await;
    assert_eq!(status, 303);
    let (_, m) = s
        .app
        .call("GET", &format!("/api/v1/monitors/{id}"), Some(&agent), None)
        .await;
    assert_eq!(m["allow_private_targets"], false, "{m}");
    let (status, _) = boss.post(&action, &[("allow_private_targets", "on")]).await;
    assert_eq!(status, 303);
    let (_, m) = s
        .app
        .call("GET", &format!("/api/v1/monitors/{id}"), Some(&agent), None)
        .await;
    assert_eq!(m["allow_private_targets"], true, "{m}");
    // Agents have no such page, and cannot post its form.
    let mut agnes = Signed::new(&s.app, "agnes@desk.test", PASSWORD).await;
    let (status, _) = agnes.get(&page).await;
    assert_eq!(status, 404);
    agnes.get("/agent").await;
    let (status, _) = agnes.post(&action, &[]).await;
    assert!(matches!(status, 403 | 404), "{status}");
    let (_, m) = s
        .app
        .call("GET", &format!("/api/v1/monitors/{id}"), Some(&agent), None)
        .await;
    assert_eq!(m["allow_private_targets"], true, "{m}");
}

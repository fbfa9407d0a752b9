//! A desk set up through the API: two customers, their contracts, staff, customer users, a vendor.

use jiff::Timestamp;
use serde_json::{Value, json};
use tierline_store::{Backend, Role};
use tierline_testkit::TestApp;

/// Monday 2026-11-16 09:00 in Kyiv.
pub fn monday() -> Timestamp {
    "2026-11-16T09:00:00+02:00".parse().unwrap()
}

pub struct Desk {
    pub app: TestApp,
    pub admin: String,
    pub agent: String,
    pub agent_id: i64,
    pub acme: i64,
    pub globex: i64,
    pub ann: String,
    pub ann_id: i64,
    pub gus: String,
    pub gus_id: i64,
    pub vendor: String,
    pub globex_contract: i64,
    pub globex_ticket: i64,
    pub gus_token_id: i64,
}

pub async fn ok(app: &TestApp, method: &str, path: &str, token: &str, body: Value) -> Value {
    let (status, json) = app.call(method, path, Some(token), Some(&body)).await;
    assert!(
        (200..300).contains(&status),
        "{method} {path}: {status} {json}"
    );
    json
}

impl Desk {
    pub async fn new(backend: Backend) -> Desk {
        Desk::with(backend, |_| {}).await
    }

    /// [`Desk::new`], with the app's state changed first (limits, proxies).
    pub async fn with(
        backend: Backend,
        configure: impl FnOnce(&mut tierline_web::AppState),
    ) -> Desk {
        let app = TestApp::spawn_with(backend, monday(), configure).await;
        let (_, admin) = app.user("admin@desk.test", Role::Admin, None, &[]).await;
        let mut ids = Vec::new();
        for name in ["Acme", "Globex"] {
            let c = ok(
                &app,
                "POST",
                "/api/v1/customers",
                &admin,
                json!({"name": name}),
            )
            .await;
            let id = c["id"].as_i64().unwrap();
            ids.push(id);
            ok(
                &app,
                "POST",
                &format!("/api/v1/customers/{id}/systems"),
                &admin,
                json!({"name": "shop", "built_by_us": true}),
            )
            .await;
        }
        let (acme, globex) = (ids[0], ids[1]);
        let terms = json!({"calendar": {"tz": "Europe/Kyiv", "coverage": "base"}, "lines": 2});
        ok(
            &app,
            "POST",
            &format!("/api/v1/customers/{acme}/contracts"),
            &admin,
            json!({"effective_from": "2026-01-01", "terms": terms}),
        )
        .await;
        let gc = ok(
            &app,
            "POST",
            &format!("/api/v1/customers/{globex}/contracts"),
            &admin,
            json!({"effective_from": "2026-01-01", "terms": terms}),
        )
        .await;
        let user = |email: &'static str,
                    role: &'static str,
                    customer: Option<i64>,
                    lines: Vec<i64>| {
            let admin = admin.clone();
            let app = &app;
            async move {
                let u = ok(app, "POST", "/api/v1/users", &admin, json!({"email": email, "name": email, "role": role, "customer_id": customer, "lines": lines})).await;
                let id = u["id"].as_i64().unwrap();
                let t = ok(
                    app,
                    "POST",
                    &format!("/api/v1/users/{id}/tokens"),
                    &admin,
                    json!({"name": "tests"}),
                )
                .await;
                (
                    id,
                    t["token"].as_str().unwrap().to_owned(),
                    t["id"].as_i64().unwrap(),
                )
            }
        };
        let (agent_id, agent, _) = user("agent@desk.test", "agent", None, vec![1, 2]).await;
        let (ann_id, ann, _) = user("ann@acme.test", "customer", Some(acme), vec![]).await;
        let (gus_id, gus, gus_token_id) =
            user("gus@globex.test", "customer", Some(globex), vec![]).await;
        let (_, vendor, _) = user("vendor@hoster.test", "vendor", None, vec![]).await;
        // Taken by the desk for Globex (customers cannot choose a class themselves).
        let t = ok(
            &app,
            "POST",
            "/api/v1/tickets",
            &agent,
            json!({"customer_id": globex, "subject": "Globex shop down", "class": 3, "channel": "portal"}),
        )
        .await;
        Desk {
            app,
            admin,
            agent,
            agent_id,
            acme,
            globex,
            ann,
            ann_id,
            gus,
            gus_id,
            vendor,
            globex_contract: gc["id"].as_i64().unwrap(),
            globex_ticket: t["id"].as_i64().unwrap(),
            gus_token_id,
        }
    }
}

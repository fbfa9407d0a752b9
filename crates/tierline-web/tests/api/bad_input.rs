//! Bad input on every endpoint that takes a body: a 4xx problem that says what is wrong, never
//! a 5xx, and nothing written. Hand-picked cases first, then a seeded pass of mutated bodies.

use serde_json::{Value, json};
use sqlx::{Connection, Row};
use tierline_store::Backend;

use crate::desk::Desk;

/// Every row in every table, so "nothing written" can be checked whole.
pub(crate) async fn footprint(url: &str) -> Vec<i64> {
    let mut conn = sqlx::AnyConnection::connect(url).await.unwrap();
    let mut out = Vec::new();
    for table in [
        "customers",
        "systems",
        "contract_versions",
        "users",
        "api_tokens",
        "tickets",
        "ticket_events",
        "audit_log",
        "time_entries",
        "clock_timers",
        "outbox",
        "idempotency_keys",
        "sessions",
        "agent_groups",
        "group_members",
        "classifier_examples",
        "classifier_rules",
        "signin_failures",
        "leads",
        "alert_states",
        "incidents",
        "attachments",
    ] {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) AS n FROM {table}"
        )))
        .fetch_one(&mut conn)
        .await
        .unwrap();
        out.push(row.try_get::<i64, _>("n").unwrap());
    }
    out
}

fn endpoints(d: &Desk) -> Vec<(String, Value)> {
    let t = d.globex_ticket;
    vec![
        ("/api/v1/customers".into(), json!({"name": "Initech"})),
        (
            format!("/api/v1/customers/{}/systems", d.acme),
            json!({"name": "crm", "built_by_us": false, "url": "https://crm.acme.test"}),
        ),
        (
            format!("/api/v1/customers/{}/contracts", d.acme),
            json!({"effective_from": "2027-01-01", "terms": {"calendar": {"tz": "Europe/Kyiv", "coverage": "base"}}}),
        ),
        (
            "/api/v1/users".into(),
            json!({"email": "new@desk.test", "name": "New", "role": "agent", "lines": [1]}),
        ),
        (
            format!("/api/v1/users/{}/tokens", d.agent_id),
            json!({"name": "ci"}),
        ),
        (
            "/api/v1/tickets".into(),
            json!({"customer_id": d.acme, "subject": "Slow", "class": 5}),
        ),
        (
            format!("/api/v1/tickets/{t}/replies"),
            json!({"body": "hi", "public": true}),
        ),
        (
            format!("/api/v1/tickets/{t}/status"),
            json!({"status": "open"}),
        ),
        (
            format!("/api/v1/tickets/{t}/class"),
            json!({"class": 4, "reason": "x"}),
        ),
        (
            format!("/api/v1/tickets/{t}/escalate"),
            json!({"reason": "x"}),
        ),
        (
            format!("/api/v1/tickets/{t}/deescalate"),
            json!({"reason": "x"}),
        ),
        (
            format!("/api/v1/tickets/{t}/assign"),
            json!({"assignee_id": d.agent_id}),
        ),
        (
            format!("/api/v1/tickets/{t}/milestones"),
            json!({"milestone": "spec_agreed"}),
        ),
        (
            format!("/api/v1/tickets/{t}/time"),
            json!({"minutes": 30, "note": "call", "consultation": true}),
        ),
        (
            format!("/api/v1/tickets/{t}/group"),
            json!({"group_id": null}),
        ),
        ("/api/v1/groups".into(), json!({"name": "Databases"})),
        (
            "/api/v1/classify".into(),
            json!({"subject": "Site down", "body": ""}),
        ),
    ]
}

/// Sends raw bytes as admin and checks the answer is a 4xx problem.
async fn send_bad(
    d: &Desk,
    path: &str,
    content_type: Option<&str>,
    body: Vec<u8>,
    want: Option<u16>,
) {
    let mut req = d
        .app
        .http
        .post(d.app.url(path))
        .bearer_auth(&d.admin)
        .body(body);
    if let Some(ct) = content_type {
        req = req.header("content-type", ct);
    }
    let resp = req.send().await.unwrap();
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned());
    let problem: Value = resp.json().await.unwrap();
    assert!((400..500).contains(&status), "{path}: {status} {problem}");
    if let Some(w) = want {
        assert_eq!(status, w, "{path}: {problem}");
    }
    assert_eq!(ct.as_deref(), Some("application/problem+json"), "{path}");
    assert!(
        problem["detail"].as_str().is_some_and(|s| !s.is_empty()),
        "{path}: {problem}"
    );
}

/// Deterministic mutations of a valid body: each breaks it in one way.
fn mutations(valid: &Value, seed: u64) -> Vec<Value> {
    let Value::Object(map) = valid else {
        return vec![];
    };
    let keys: Vec<&String> = map.keys().collect();
    let mut out = vec![json!(null), json!([]), json!("text"), json!(42), json!({})];
    let nasty = [
        json!(null),
        json!(-1),
        json!(1e300),
        json!(""),
        json!("   "),
        json!("x".repeat(70_000)),
        json!(true),
        json!([1, 2]),
        json!({"a": 1}),
        json!(9_223_372_036_854_775_807_i64),
        json!("2026-13-45"),
        json!("'; DROP TABLE tickets; --"),
    ];
    let mut x = seed | 1;
    for k in &keys {
        let mut without = map.clone();
        without.remove(*k);
        out.push(Value::Object(without));
        for _ in 0..4 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let mut m = map.clone();
            m.insert(
                (*k).clone(),
                nasty[usize::try_from(x % nasty.len() as u64).unwrap()].clone(),
            );
            out.push(Value::Object(m));
        }
    }
    let mut extra = map.clone();
    extra.insert("unexpected".into(), json!(1));
    out.push(Value::Object(extra));
    out
}

pub async fn bad_input_gets_a_4xx_problem_and_writes_nothing(backend: Backend) {
    let d = Desk::new(backend).await;
    for (path, valid) in endpoints(&d) {
        send_bad(
            &d,
            &path,
            Some("application/json"),
            b"{\"name\": ".to_vec(),
            None, // truncated: a syntax (400) or, read as far as it goes, a data (422) error
        )
        .await;
        send_bad(
            &d,
            &path,
            Some("application/json"),
            b"\xff\xfe".to_vec(),
            Some(400),
        )
        .await;
        send_bad(&d, &path, None, valid.to_string().into_bytes(), Some(415)).await;
        send_bad(
            &d,
            &path,
            Some("text/plain"),
            valid.to_string().into_bytes(),
            Some(415),
        )
        .await;
        let huge = json!({"body": "x".repeat(tierline_web::BODY_LIMIT + 10)});
        send_bad(
            &d,
            &path,
            Some("application/json"),
            huge.to_string().into_bytes(),
            Some(413),
        )
        .await;
        for (i, body) in mutations(&valid, 0x9e37_79b9_7f4a_7c15 ^ path.len() as u64)
            .into_iter()
            .enumerate()
        {
            let (status, problem) = d.app.call("POST", &path, Some(&d.admin), Some(&body)).await;
            assert!(status < 500, "{path} #{i} {body}: {status} {problem}");
            if status >= 400 {
                assert!(problem["detail"].is_string(), "{path} #{i}: {problem}");
            }
        }
    }
    let mid = footprint(&d.app.db.url).await;
    for (path, _) in endpoints(&d) {
        send_bad(
            &d,
            &path,
            Some("application/json"),
            b"[".to_vec(),
            Some(400),
        )
        .await;
        send_bad(
            &d,
            &path,
            Some("application/json"),
            br#"{"unknown": 1}"#.to_vec(),
            Some(422),
        )
        .await;
    }
    assert_eq!(
        footprint(&d.app.db.url).await,
        mid,
        "rejected requests wrote nothing"
    );
    // Bad path and query parameters.
    for path in [
        "/api/v1/tickets/abc",
        "/api/v1/tickets/99999999999999999999",
        "/api/v1/tickets?limit=x",
        "/api/v1/tickets?status=lost",
        "/api/v1/tickets?due_before=yesterday",
        "/api/v1/tickets?limit=0",
        "/api/v1/tickets?colour=red",
    ] {
        let (status, problem) = d.app.call("GET", path, Some(&d.admin), None).await;
        assert!((400..500).contains(&status), "{path}: {status} {problem}");
    }
    let (status, problem) = d.app.call("POST", "/api/v1/customers/1/contracts", Some(&d.admin), Some(&json!({"effective_from": "2027-01-01", "terms": {"calendar": {"tz": "Mars/Olympus"}}}))).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "terms");
    assert!(problem["detail"].as_str().unwrap().contains("Mars/Olympus"));
}

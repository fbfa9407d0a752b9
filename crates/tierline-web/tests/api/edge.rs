//! The edge of issue 10: control characters refused (422, the same on both databases, nothing
//! written), customers kept from choosing a class, structs only as objects, out-of-range values
//! refused instead of clamped.

use reqwest::StatusCode;
use serde_json::{Value, json};
use tierline_store::Backend;

use crate::bad_input::footprint;
use crate::desk::{Desk, ok};
use crate::pages::{Browser, PASSWORD, set_password};

/// Sends `body` and expects a 422 problem naming `field`.
async fn refused(
    d: &Desk,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Value,
    field: &str,
) {
    let (status, problem) = d.app.call(method, path, token, Some(&body)).await;
    assert_eq!(status, 422, "{method} {path} {body}: {problem}");
    assert_eq!(problem["errors"][0]["field"], field, "{path}: {problem}");
}

pub async fn control_characters_are_refused_with_422_and_nothing_written(backend: Backend) {
    let d = Desk::new(backend).await;
    set_password(&d, d.ann_id).await;
    let (status, secret) = d
        .app
        .call(
            "POST",
            &format!("/api/v1/customers/{}/alert-secret", d.acme),
            Some(&d.admin),
            None,
        )
        .await;
    assert_eq!(status, 201);
    let secret = secret["secret"].as_str().unwrap().to_owned();
    let before = footprint(&d.app.db.url).await;

    // A ticket's subject, from any customer: NUL, and in a one-line field a line break too.
    for subject in ["Shop\u{0}down", "Shop\ndown", "Shop\tdown", "\u{1b}[31mred"] {
        let body = json!({"subject": subject});
        refused(&d, "POST", "/api/v1/tickets", Some(&d.ann), body, "subject").await;
    }
    let body = json!({"subject": "Shop down", "description": "line one\u{0}"});
    refused(
        &d,
        "POST",
        "/api/v1/tickets",
        Some(&d.ann),
        body,
        "description",
    )
    .await;
    let body = json!({"body": "see\u{0}this"});
    let path = format!("/api/v1/tickets/{}/replies", d.globex_ticket);
    refused(&d, "POST", &path, Some(&d.gus), body, "body").await;
    // Names.
    let body = json!({"name": "Ini\u{0}tech"});
    refused(
        &d,
        "POST",
        "/api/v1/customers",
        Some(&d.admin),
        body,
        "name",
    )
    .await;
    let body = json!({"email": "new@desk.test", "name": "Ne\u{0}w", "role": "agent"});
    refused(&d, "POST", "/api/v1/users", Some(&d.admin), body, "name").await;
    let body = json!({"name": "shop\u{0}", "built_by_us": true});
    let path = format!("/api/v1/customers/{}/systems", d.acme);
    refused(&d, "POST", &path, Some(&d.admin), body, "name").await;
    // A nested value is named by its path.
    let body = json!({"effective_from": "2027-01-01", "terms": {"calendar": {"tz": "Europe/Kyiv\u{0}", "coverage": "base"}}});
    let path = format!("/api/v1/customers/{}/contracts", d.acme);
    refused(&d, "POST", &path, Some(&d.admin), body, "terms.calendar.tz").await;
    // The sign-in e-mail, through the API.
    let body = json!({"email": "ann@acme.test\u{0}", "password": PASSWORD});
    refused(&d, "POST", "/api/v1/session", None, body, "email").await;
    // A query parameter (the search text goes to the database as it is).
    let (status, problem) = d
        .app
        .call("GET", "/api/v1/tickets?q=shop%00", Some(&d.agent), None)
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "q");

    // Alert labels (names and values) from a customer's monitoring.
    for labels in [
        json!({"alertname": "High\u{0}CPU"}),
        json!({"alert\u{0}name": "HighCPU"}),
    ] {
        let payload = json!({"version": "4", "status": "firing", "alerts": [{
            "status": "firing", "labels": labels,
            "annotations": {"summary": "CPU high", "description": "two\nlines are fine"},
            "startsAt": "2026-11-16T06:00:00Z", "fingerprint": "c0ffee"
        }]});
        let r = d
            .app
            .http
            .post(d.app.url("/api/v1/alerts/alertmanager"))
            .bearer_auth(&secret)
            .json(&payload)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let problem: Value = r.json().await.unwrap();
        let field = problem["errors"][0]["field"].as_str().unwrap();
        assert!(field.starts_with("alerts[0].labels"), "{problem}");
    }
    let zabbix = json!({"event_id": "1", "status": "problem", "host": "shop\u{0}", "trigger": "down", "severity": "high", "message": "x", "at": "2026-11-16T06:00:00Z"});
    let r = d
        .app
        .http
        .post(d.app.url(&format!("/api/v1/alerts/zabbix?secret={secret}")))
        .json(&zabbix)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // The pages: the sign-in form, in the visitor's language.
    let mut visitor = Browser::new(&d, "uk");
    visitor.get("/login").await;
    let p = visitor
        .post(
            "/login",
            &[("email", "ann@acme.test\u{0}"), ("password", PASSWORD)],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    assert!(
        p.body.contains("Електронна пошта: має бути одним рядком"),
        "{}",
        p.body
    );
    assert!(!visitor.cookies.contains_key("tierline_session"));
    // A lead's name, and a portal request's subject (multipart).
    visitor.get("/").await;
    let p = visitor
        .post(
            "/request-support",
            &[
                ("name", "Bob\r\nBcc: x"),
                ("phone", "+380 44 000"),
                ("need", "help"),
            ],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", p.body);
    let mut ann = Browser::new(&d, "en");
    ann.sign_in("ann@acme.test").await;
    let before_signed_in = footprint(&d.app.db.url).await;
    ann.get("/portal/new").await;
    let form = reqwest::multipart::Form::new()
        .text("_csrf", ann.csrf.clone())
        .text("subject", "Printer\u{0}")
        .text("description", "It\njams");
    let r = ann
        .http
        .post(format!("{}/portal/new", ann.base))
        .header("cookie", ann.cookie_header())
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = r.text().await.unwrap();
    assert!(body.contains("Subject: must be a single line"), "{body}");
    assert_eq!(footprint(&d.app.db.url).await, before_signed_in);

    // Nothing of it was written (ann's sign-in aside: one session and its audit entry).
    let after = footprint(&d.app.db.url).await;
    let changed: Vec<_> = before
        .iter()
        .zip(&after)
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .map(|(i, _)| i)
        .collect();
    assert!(
        changed.len() <= 2,
        "only the sign-in wrote: {before:?} → {after:?}"
    );

    // Multi-line text keeps its line breaks and tabs.
    let t = ok(
        &d.app,
        "POST",
        "/api/v1/tickets",
        &d.ann,
        json!({"subject": "Printer jams", "description": "Steps:\n\t1. print\r\n\t2. jam"}),
    )
    .await;
    assert_eq!(t["description"], "Steps:\n\t1. print\r\n\t2. jam");
}

pub async fn customers_cannot_choose_a_class_or_targets(backend: Backend) {
    let d = Desk::new(backend).await;
    let before = footprint(&d.app.db.url).await;
    for (field, value) in [
        ("class", json!(3)),
        ("individual_reaction_minutes", json!(60)),
        ("individual_resolution_minutes", json!(120)),
    ] {
        let mut body = json!({"subject": "What colour is our logo?"});
        body[field] = value;
        refused(&d, "POST", "/api/v1/tickets", Some(&d.ann), body, field).await;
    }
    assert_eq!(footprint(&d.app.db.url).await, before, "nothing written");
    // Classified on arrival instead; agents still give a class and targets.
    let t = ok(
        &d.app,
        "POST",
        "/api/v1/tickets",
        &d.ann,
        json!({"subject": "What colour is our logo?"}),
    )
    .await;
    assert_ne!(t["class"], 3, "{t}");
    let t = ok(&d.app, "POST", "/api/v1/tickets", &d.agent, json!({"customer_id": d.acme, "subject": "Logo colour", "class": 3, "individual_reaction_minutes": 60})).await;
    assert_eq!(t["class"], 3);
}

pub async fn structs_are_objects_never_arrays(backend: Backend) {
    let d = Desk::new(backend).await;
    let before = footprint(&d.app.db.url).await;
    for (path, token, body) in [
        ("/api/v1/customers", &d.admin, json!(["Initech"])),
        ("/api/v1/tickets", &d.ann, json!(["Positional subject"])),
        ("/api/v1/groups", &d.admin, json!(["Databases"])),
    ] {
        let (status, problem) = d.app.call("POST", path, Some(token), Some(&body)).await;
        assert_eq!(status, 422, "{path}: {problem}");
        assert!(
            problem["detail"].as_str().unwrap().contains("object"),
            "{problem}"
        );
    }
    // Nested too: a contract's terms as the list of their values.
    let path = format!("/api/v1/customers/{}/contracts", d.acme);
    let body = json!({"effective_from": "2027-01-01", "terms": [{"tz": "Europe/Kyiv", "coverage": "base"}]});
    refused(&d, "POST", &path, Some(&d.admin), body, "terms").await;
    assert_eq!(footprint(&d.app.db.url).await, before, "nothing written");
}

pub async fn out_of_range_values_are_refused_not_clamped(backend: Backend) {
    let d = Desk::new(backend).await;
    for (path, field) in [
        ("/api/v1/tickets?offset=-5", "offset"),
        ("/api/v1/tickets?limit=201", "limit"),
        ("/api/v1/tickets?limit=0", "limit"),
    ] {
        let (status, problem) = d.app.call("GET", path, Some(&d.agent), None).await;
        assert_eq!(status, 422, "{path}: {problem}");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
        let message = problem["errors"][0]["message"].as_str().unwrap();
        assert!(
            message.chars().any(|c| c.is_ascii_digit()),
            "names the range: {message}"
        );
    }
    let (status, _) = d
        .app
        .call(
            "GET",
            "/api/v1/tickets?offset=0&limit=200",
            Some(&d.agent),
            None,
        )
        .await;
    assert_eq!(status, 200);
}

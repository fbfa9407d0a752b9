//! Health, authentication, and one request's whole life through the API.

use serde_json::json;
use tierline_store::Backend;

use crate::desk::{Desk, ok};

pub async fn health_and_authentication(backend: Backend) {
    let d = Desk::new(backend).await;
    let app = &d.app;
    assert_eq!(app.call("GET", "/healthz", None, None).await.0, 200);
    assert_eq!(app.call("GET", "/readyz", None, None).await.0, 200);
    for (method, path) in [
        ("GET", "/api/v1/me"),
        ("GET", "/api/v1/tickets"),
        ("POST", "/api/v1/customers"),
        ("GET", "/api/v1/tickets/1"),
    ] {
        let (status, body) = app.call(method, path, None, None).await;
        assert_eq!(status, 401, "{method} {path}");
        assert_eq!(body["status"], 401);
        for bad in [
            "tl_nope",
            "Bearer",
            "",
            "tl_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        ] {
            assert_eq!(
                app.call(method, path, Some(bad), None).await.0,
                401,
                "{method} {path} with {bad:?}"
            );
        }
    }
    let resp = app
        .http
        .get(app.url("/api/v1/me"))
        .header("authorization", format!("Basic {}", d.admin))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 401);
    assert_eq!(resp.headers()["www-authenticate"], "Bearer");
    assert_eq!(resp.headers()["content-type"], "application/problem+json");
    assert!(resp.headers().contains_key("x-request-id"));
    let me = ok(app, "GET", "/api/v1/me", &d.ann, json!(null)).await;
    assert_eq!(
        (me["email"].as_str(), me["role"].as_str()),
        (Some("ann@acme.test"), Some("customer"))
    );
    assert_eq!(
        app.call("GET", "/api/v1/nowhere", Some(&d.ann), None)
            .await
            .0,
        404
    );
    // A disabled user's token stops working at once, and for good.
    let off = json!({"disabled": true});
    let ann_path = format!("/api/v1/users/{}", d.ann_id);
    assert_eq!(
        app.call("PATCH", &ann_path, Some(&d.agent), Some(&off))
            .await
            .0,
        403
    );
    assert_eq!(
        ok(app, "PATCH", &ann_path, &d.admin, off).await["disabled"],
        true
    );
    assert_eq!(
        app.call("GET", "/api/v1/me", Some(&d.ann), None).await.0,
        401
    );
    ok(
        app,
        "PATCH",
        &ann_path,
        &d.admin,
        json!({"disabled": false, "name": "Ann A."}),
    )
    .await;
    // Disabling revoked the old token for good (issue 10): a new one works.
    assert_eq!(
        app.call("GET", "/api/v1/me", Some(&d.ann), None).await.0,
        401
    );
    let fresh = ok(
        app,
        "POST",
        &format!("/api/v1/users/{}/tokens", d.ann_id),
        &d.admin,
        json!({"name": "after"}),
    )
    .await;
    assert_eq!(
        ok(
            app,
            "GET",
            "/api/v1/me",
            fresh["token"].as_str().unwrap(),
            json!(null)
        )
        .await["name"],
        "Ann A."
    );
    let (status, _) = app
        .call(
            "PATCH",
            "/api/v1/users/1",
            Some(&d.admin),
            Some(&json!({"disabled": true})),
        )
        .await;
    assert_eq!(status, 422, "no locking oneself out");
    // A revoked token stops working at once.
    let (status, _) = app
        .call(
            "DELETE",
            &format!("/api/v1/tokens/{}", d.gus_token_id),
            Some(&d.gus),
            None,
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(
        app.call("GET", "/api/v1/me", Some(&d.gus), None).await.0,
        401
    );
}

pub async fn a_request_from_portal_to_resolution(backend: Backend) {
    let d = Desk::new(backend).await;
    let app = &d.app;
    let at = |hm: &str| format!("2026-11-16T{hm}:00+02:00").parse().unwrap();
    app.clock.set(at("09:10"));
    // Ann's call, recorded by the desk with its class (a customer cannot choose one).
    let t = ok(app, "POST", "/api/v1/tickets", &d.agent, json!({"customer_id": d.acme, "subject": "Checkout fails", "description": "Error 500 on pay", "class": 4, "channel": "portal"})).await;
    let id = t["id"].as_i64().unwrap();
    assert_eq!(
        (
            t["customer_id"].as_i64(),
            t["line"].as_i64(),
            t["status"].as_str()
        ),
        (Some(d.acme), Some(1), Some("new"))
    );
    assert_eq!(
        t["next_due_at"], "2026-11-16T09:30:00Z",
        "class 4: reaction 2 h from the 09:30 opening = 11:30 Kyiv"
    );
    let queue = ok(
        app,
        "GET",
        "/api/v1/tickets?line=1&status=new&count=true",
        &d.agent,
        json!(null),
    )
    .await;
    assert_eq!(queue["total"], 2);
    // Nearest due first: Globex's class 3 reaction (10:30) before this class 4 one (11:30).
    assert_eq!(
        (
            queue["items"][0]["id"].as_i64(),
            queue["items"][1]["id"].as_i64()
        ),
        (Some(d.globex_ticket), Some(id))
    );
    app.clock.set(at("10:00"));
    ok(
        app,
        "POST",
        &format!("/api/v1/tickets/{id}/replies"),
        &d.agent,
        json!({"body": "Checking the payment gateway", "public": false}),
    )
    .await;
    ok(
        app,
        "POST",
        &format!("/api/v1/tickets/{id}/replies"),
        &d.agent,
        json!({"body": "We are on it."}),
    )
    .await;
    let view = ok(
        app,
        "GET",
        &format!("/api/v1/tickets/{id}"),
        &d.ann,
        json!(null),
    )
    .await;
    assert_eq!(view["status"], "open");
    assert_eq!(view["clocks"][0]["state"], "met");
    assert_eq!(view["clocks"][1]["due"], "2026-11-16T13:30:00Z");
    ok(
        app,
        "POST",
        &format!("/api/v1/tickets/{id}/escalate"),
        &d.agent,
        json!({"reason": "gateway config"}),
    )
    .await;
    let (status, body) = app
        .call(
            "POST",
            &format!("/api/v1/tickets/{id}/escalate"),
            Some(&d.agent),
            Some(&json!({"reason": "more"})),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["field"], "line");
    let c = ok(
        app,
        "POST",
        &format!("/api/v1/tickets/{id}/class"),
        &d.agent,
        json!({"class": 3, "reason": "all payments fail"}),
    )
    .await;
    assert_eq!(
        c["next_due_at"], "2026-11-16T11:30:00Z",
        "class 3 resolution: 4 h from 09:30"
    );
    ok(
        app,
        "POST",
        &format!("/api/v1/tickets/{id}/assign"),
        &d.agent,
        json!({"assignee_id": d.agent_id}),
    )
    .await;
    let mine = ok(
        app,
        "GET",
        &format!("/api/v1/tickets?assignee_id={}&count=true", d.agent_id),
        &d.agent,
        json!(null),
    )
    .await;
    assert_eq!(mine["total"], 1);
    app.clock.set(at("11:00"));
    ok(
        app,
        "POST",
        &format!("/api/v1/tickets/{id}/status"),
        &d.agent,
        json!({"status": "resolved"}),
    )
    .await;
    let (status, _) = app
        .call(
            "POST",
            &format!("/api/v1/tickets/{id}/class"),
            Some(&d.ann),
            Some(&json!({"class": 6, "reason": "x"})),
        )
        .await;
    assert_eq!(status, 403);
    ok(
        app,
        "POST",
        &format!("/api/v1/tickets/{id}/status"),
        &d.ann,
        json!({"status": "closed"}),
    )
    .await;
    let customer_events = ok(
        app,
        "GET",
        &format!("/api/v1/tickets/{id}/events"),
        &d.ann,
        json!(null),
    )
    .await;
    let agent_events = ok(
        app,
        "GET",
        &format!("/api/v1/tickets/{id}/events"),
        &d.agent,
        json!(null),
    )
    .await;
    let kinds = |v: &serde_json::Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|e| e["kind"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        kinds(&agent_events),
        [
            "created", "note", "reply", "status", "line", "class", "assignee", "status", "status"
        ]
    );
    assert_eq!(
        kinds(&customer_events),
        ["created", "reply", "status", "status", "status"]
    );
    // Time: 45 minutes of consultation (Acme's contract includes none), 20 of other work.
    let time = format!("/api/v1/tickets/{id}/time");
    ok(
        app,
        "POST",
        &time,
        &d.agent,
        json!({"minutes": 45, "note": "walkthrough", "consultation": true}),
    )
    .await;
    ok(
        app,
        "POST",
        &time,
        &d.agent,
        json!({"minutes": 20, "note": "fix"}),
    )
    .await;
    assert_eq!(
        ok(app, "GET", &time, &d.agent, json!(null))
            .await
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        app.call("GET", &time, Some(&d.ann), None).await.0,
        403,
        "time logs are internal"
    );
    let usage = ok(
        app,
        "GET",
        &format!("/api/v1/customers/{}/consultation?month=2026-11-16", d.acme),
        &d.ann,
        json!(null),
    )
    .await;
    assert_eq!(usage["month"], "2026-11-01");
    assert_eq!(
        (
            usage["used_minutes"].as_i64(),
            usage["remaining_minutes"].as_i64()
        ),
        (Some(45), Some(-45))
    );
    let december = ok(
        app,
        "GET",
        &format!("/api/v1/customers/{}/consultation?month=2026-12-01", d.acme),
        &d.ann,
        json!(null),
    )
    .await;
    assert_eq!(december["used_minutes"], 0);
    let breached = ok(
        app,
        "GET",
        "/api/v1/tickets?breached=true",
        &d.agent,
        json!(null),
    )
    .await;
    assert_eq!(
        breached["items"][0]["id"], d.globex_ticket,
        "Globex's class 3 reaction was due at 10:30"
    );
}

pub async fn idempotency_keys_make_ticket_creation_retry_safe(backend: Backend) {
    let d = Desk::new(backend).await;
    let app = &d.app;
    let body = json!({"subject": "Printer on fire"}).to_string();
    let post = |token: &str, key: Option<&str>, body: String| {
        let mut req = app
            .http
            .post(app.url("/api/v1/tickets"))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body);
        if let Some(k) = key {
            req = req.header("idempotency-key", k);
        }
        req.send()
    };
    let first = post(&d.ann, Some("retry-1"), body.clone()).await.unwrap();
    assert_eq!(first.status().as_u16(), 201);
    let first: serde_json::Value = first.json().await.unwrap();
    let again = post(&d.ann, Some("retry-1"), body.clone()).await.unwrap();
    assert_eq!(again.status().as_u16(), 200);
    assert_eq!(again.headers()["idempotent-replayed"], "true");
    let again: serde_json::Value = again.json().await.unwrap();
    assert_eq!(again["id"], first["id"]);
    let other = post(
        &d.ann,
        Some("retry-1"),
        json!({"subject": "Something else"}).to_string(),
    )
    .await
    .unwrap();
    assert_eq!(other.status().as_u16(), 422);
    let problem: serde_json::Value = other.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "Idempotency-Key");
    // Keys belong to their caller: another user's same key is another request.
    let gus = post(&d.gus, Some("retry-1"), body.clone()).await.unwrap();
    assert_eq!(gus.status().as_u16(), 201);
    assert_eq!(
        post(&d.ann, Some(""), body.clone())
            .await
            .unwrap()
            .status()
            .as_u16(),
        422
    );
    // Concurrent retries of one request make one ticket.
    let racers: Vec<_> = (0..8)
        .map(|_| post(&d.ann, Some("race"), body.clone()))
        .collect();
    let mut ids = Vec::new();
    for r in racers {
        let r = r.await.unwrap();
        assert!(r.status().is_success(), "{}", r.status());
        ids.push(r.json::<serde_json::Value>().await.unwrap()["id"].clone());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    let (_, mine) = app
        .call("GET", "/api/v1/tickets?count=true", Some(&d.ann), None)
        .await;
    assert_eq!(mine["total"], 2);
}

pub async fn password_sign_in_sessions_and_rate_limits(backend: Backend) {
    let d = Desk::new(backend).await;
    let app = &d.app;
    for (email, role) in [("lena@desk.test", "agent"), ("max@desk.test", "agent")] {
        let body = json!({"email": email, "name": email, "role": role, "lines": [1], "password": "correct horse battery"});
        ok(app, "POST", "/api/v1/users", &d.admin, body).await;
    }
    let short = json!({"email": "x@desk.test", "name": "x", "role": "agent", "password": "short"});
    assert_eq!(
        app.call("POST", "/api/v1/users", Some(&d.admin), Some(&short))
            .await
            .0,
        422
    );
    let sign_in = |email: &str, password: &str| {
        app.http
            .post(app.url("/api/v1/session"))
            .json(&json!({"email": email, "password": password}))
            .send()
    };
    // Wrong passwords: 401 without saying which part was wrong, then 429 once too many.
    for _ in 0..5 {
        let r = sign_in("lena@desk.test", "guess").await.unwrap();
        assert_eq!(r.status().as_u16(), 401);
    }
    let limited = sign_in("lena@desk.test", "correct horse battery")
        .await
        .unwrap();
    assert_eq!(
        limited.status().as_u16(),
        429,
        "even the right password waits out the window"
    );
    assert!(limited.headers().contains_key("retry-after"));
    assert_eq!(
        sign_in("nobody@desk.test", "guess")
            .await
            .unwrap()
            .status()
            .as_u16(),
        401
    );

    let r = sign_in("MAX@desk.test", "correct horse battery")
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201);
    let set_cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"),
        "{set_cookie}"
    );
    let cookie = set_cookie.split(';').next().unwrap().to_owned();
    let me = app
        .http
        .get(app.url("/api/v1/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(me.status().as_u16(), 200);
    assert_eq!(
        me.json::<serde_json::Value>().await.unwrap()["email"],
        "max@desk.test"
    );
    // A change carried by the cookie must come from this site.
    let reply = json!({"body": "from a cookie", "public": false});
    let path = format!("/api/v1/tickets/{}/replies", d.globex_ticket);
    let evil = app
        .http
        .post(app.url(&path))
        .header("cookie", &cookie)
        .header("origin", "https://evil.test")
        .json(&reply)
        .send()
        .await
        .unwrap();
    assert_eq!(evil.status().as_u16(), 403);
    let own = app
        .http
        .post(app.url(&path))
        .header("cookie", &cookie)
        .header("origin", format!("http://{}", app.addr))
        .json(&reply)
        .send()
        .await
        .unwrap();
    assert_eq!(own.status().as_u16(), 201);
    let out = app
        .http
        .delete(app.url("/api/v1/session"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status().as_u16(), 204);
    assert!(
        out.headers()["set-cookie"]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    let after = app
        .http
        .get(app.url("/api/v1/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status().as_u16(), 401);
    let log = d
        .app
        .store
        .audit_log(&admin_viewer(&d).await, 200)
        .await
        .unwrap();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions.iter().filter(|a| **a == "signin.failed").count(), 6);
    assert!(actions.contains(&"signin.ok") && actions.contains(&"signout"));
}

async fn admin_viewer(d: &Desk) -> tierline_store::Viewer {
    d.app
        .store
        .viewer_for_token(&d.admin)
        .await
        .unwrap()
        .unwrap()
}

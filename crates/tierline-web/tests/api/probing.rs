//! The holes a probe found (issue 10), each shown closed: shares, sessions, tokens, redirects,
//! headers, rate limits behind a proxy.

use serde_json::json;
use tierline_store::{Backend, Role};

use crate::desk::{Desk, ok};
use crate::pages::{Browser, PASSWORD, set_password, wait_for_event};

/// A 4-line contract's ticket escalated to line 4, shared with a vendor contact; returns
/// (ticket id, vendor id, vendor token).
async fn shared_on_line_4(d: &Desk) -> (i64, i64, String) {
    let c = ok(
        &d.app,
        "POST",
        "/api/v1/customers",
        &d.admin,
        json!({"name": "Umbrella"}),
    )
    .await;
    let cid = c["id"].as_i64().unwrap();
    ok(&d.app, "POST", &format!("/api/v1/customers/{cid}/contracts"), &d.admin, json!({"effective_from": "2026-01-01", "terms": {"calendar": {"tz": "Europe/Kyiv", "coverage": "base"}, "lines": 4}})).await;
    let (vid, vtoken) = d.app.user("ops@hoster.test", Role::Vendor, None, &[]).await;
    let t = ok(&d.app, "POST", "/api/v1/tickets", &d.agent, json!({"customer_id": cid, "subject": "Disk array failed", "description": "Customer's secret details", "class": 2})).await;
    let tid = t["id"].as_i64().unwrap();
    for _ in 0..3 {
        ok(
            &d.app,
            "POST",
            &format!("/api/v1/tickets/{tid}/escalate"),
            &d.agent,
            json!({"reason": "hardware"}),
        )
        .await;
    }
    ok(
        &d.app,
        "PUT",
        &format!("/api/v1/tickets/{tid}/vendor"),
        &d.agent,
        json!({"vendor": "Hoster", "external_ref": "HX-77", "contact_id": vid}),
    )
    .await;
    (tid, vid, vtoken)
}

pub async fn a_vendor_loses_the_ticket_when_it_leaves_line_4(backend: Backend) {
    let d = Desk::new(backend).await;
    let (tid, vid, vendor) = shared_on_line_4(&d).await;
    let path = format!("/api/v1/tickets/{tid}");
    assert_eq!(d.app.call("GET", &path, Some(&vendor), None).await.0, 200);
    ok(
        &d.app,
        "POST",
        &format!("{path}/deescalate"),
        &d.agent,
        json!({"reason": "the hoster fixed it, we verify"}),
    )
    .await;
    // The share ends with line 4: nothing of the ticket, no notes, no list entry.
    assert_eq!(d.app.call("GET", &path, Some(&vendor), None).await.0, 404);
    let note = json!({"body": "still here?"});
    let (s, _) = d
        .app
        .call(
            "POST",
            &format!("{path}/replies"),
            Some(&vendor),
            Some(&note),
        )
        .await;
    assert_eq!(s, 404);
    let (_, list) = d
        .app
        .call("GET", "/api/v1/tickets", Some(&vendor), None)
        .await;
    assert!(!list.to_string().contains("Disk array"), "{list}");
    // The timeline says so, for the desk.
    let events = ok(
        &d.app,
        "GET",
        &format!("{path}/events"),
        &d.agent,
        json!({}),
    )
    .await;
    assert!(events.to_string().contains("vendor_unshared"), "{events}");
    // The vendor block stays as the record, without its contact.
    let block = ok(
        &d.app,
        "GET",
        &format!("{path}/vendor"),
        &d.agent,
        json!({}),
    )
    .await;
    assert_eq!(block["vendor"], "Hoster");
    assert!(block["contact_id"].is_null(), "{block}");
    // Off line 4 a contact cannot be set again, but the block can be updated without one.
    let (s, body) = d
        .app
        .call(
            "PUT",
            &format!("{path}/vendor"),
            Some(&d.agent),
            Some(&json!({"vendor": "Hoster", "contact_id": vid})),
        )
        .await;
    assert_eq!(s, 422, "{body}");
    ok(
        &d.app,
        "PUT",
        &format!("{path}/vendor"),
        &d.agent,
        json!({"vendor": "Hoster", "vendor_status": "closed on their side"}),
    )
    .await;
}

pub async fn agents_clear_a_vendor_contact_at_any_line(backend: Backend) {
    let d = Desk::new(backend).await;
    let (tid, _, vendor) = shared_on_line_4(&d).await;
    let path = format!("/api/v1/tickets/{tid}");
    ok(
        &d.app,
        "PUT",
        &format!("{path}/vendor"),
        &d.agent,
        json!({"vendor": "Hoster", "external_ref": "HX-77"}),
    )
    .await;
    assert_eq!(d.app.call("GET", &path, Some(&vendor), None).await.0, 404);
    let events = ok(
        &d.app,
        "GET",
        &format!("{path}/events"),
        &d.agent,
        json!({}),
    )
    .await;
    assert!(events.to_string().contains("vendor_unshared"), "{events}");
}

/// An agent with a password, signed in through the API; returns the session cookie.
async fn session(app: &tierline_testkit::TestApp, email: &str, password: &str) -> String {
    let r = app
        .http
        .post(app.url("/api/v1/session"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 201, "{email}");
    let c = r.headers()["set-cookie"].to_str().unwrap();
    c.split(';').next().unwrap().to_owned()
}

async fn me(app: &tierline_testkit::TestApp, cookie: &str) -> u16 {
    app.http
        .get(app.url("/api/v1/me"))
        .header("cookie", cookie)
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

pub async fn a_burst_of_sign_ins_gets_no_more_password_checks_than_the_limit(backend: Backend) {
    let d = Desk::new(backend).await;
    let body = json!({"email": "lena@desk.test", "name": "Lena", "role": "agent", "lines": [1], "password": "correct horse battery"});
    ok(&d.app, "POST", "/api/v1/users", &d.admin, body).await;
    let attempts = (0..100).map(|i| {
        let app = &d.app;
        async move {
            app.http
                .post(app.url("/api/v1/session"))
                .json(&json!({"email": "lena@desk.test", "password": format!("guess {i}")}))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    let checked = statuses.iter().filter(|&&s| s == 401).count();
    assert!(
        usize::try_from(tierline_store::MAX_FAILURES_PER_EMAIL).is_ok_and(|max| checked <= max),
        "{checked} passwords checked: {statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| [401, 429, 503].contains(s)),
        "{statuses:?}"
    );
    // The window holds for the right password too, and nothing of the burst is left in flight.
    let (s, _) = d
        .app
        .call(
            "POST",
            "/api/v1/session",
            None,
            Some(&json!({"email": "lena@desk.test", "password": "correct horse battery"})),
        )
        .await;
    assert!(
        checked < 5 || s == 429,
        "after {checked} failures the right password gets {s}"
    );
}

pub async fn a_password_change_ends_other_sessions_and_disabling_revokes_tokens(backend: Backend) {
    let d = Desk::new(backend).await;
    let pw = "correct horse battery";
    let u = ok(
        &d.app,
        "POST",
        "/api/v1/users",
        &d.admin,
        json!({"email": "boss@desk.test", "name": "Boss", "role": "admin", "password": pw}),
    )
    .await;
    let boss = u["id"].as_i64().unwrap();
    let here = session(&d.app, "boss@desk.test", pw).await;
    let elsewhere = session(&d.app, "boss@desk.test", pw).await;
    // Changing one's own password from a session keeps that session only.
    let r = d
        .app
        .http
        .patch(d.app.url(&format!("/api/v1/users/{boss}")))
        .header("cookie", &here)
        .json(&json!({"password": "a brand new password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    assert_eq!(me(&d.app, &here).await, 200);
    assert_eq!(me(&d.app, &elsewhere).await, 401);
    // An administrator's change through a token ends every session of the user.
    let agent = ok(&d.app, "POST", "/api/v1/users", &d.admin, json!({"email": "lena@desk.test", "name": "Lena", "role": "agent", "lines": [1], "password": pw})).await;
    let lena = agent["id"].as_i64().unwrap();
    let lenas = session(&d.app, "lena@desk.test", pw).await;
    ok(
        &d.app,
        "PATCH",
        &format!("/api/v1/users/{lena}"),
        &d.admin,
        json!({"password": "another new password"}),
    )
    .await;
    assert_eq!(me(&d.app, &lenas).await, 401);
    // Disabling revokes tokens for good: enabling again does not bring them back.
    let t = ok(
        &d.app,
        "POST",
        &format!("/api/v1/users/{lena}/tokens"),
        &d.admin,
        json!({"name": "script"}),
    )
    .await;
    let token = t["token"].as_str().unwrap().to_owned();
    assert_eq!(
        d.app.call("GET", "/api/v1/me", Some(&token), None).await.0,
        200
    );
    for disabled in [true, false] {
        ok(
            &d.app,
            "PATCH",
            &format!("/api/v1/users/{lena}"),
            &d.admin,
            json!({"disabled": disabled}),
        )
        .await;
    }
    assert_eq!(
        d.app.call("GET", "/api/v1/me", Some(&token), None).await.0,
        401
    );
    // Customer users and vendor contacts work no support lines.
    for role in ["vendor", "customer"] {
        let body = json!({"email": format!("{role}@x.test"), "name": "X", "role": role, "customer_id": (role == "customer").then_some(d.acme), "lines": [1]});
        let (s, p) = d
            .app
            .call("POST", "/api/v1/users", Some(&d.admin), Some(&body))
            .await;
        assert_eq!(s, 422, "{role}: {p}");
        assert_eq!(p["errors"][0]["field"], "lines", "{p}");
    }
    let (s, _) = d
        .app
        .call(
            "PATCH",
            &format!("/api/v1/users/{}", d.ann_id),
            Some(&d.admin),
            Some(&json!({"lines": [2]})),
        )
        .await;
    assert_eq!(s, 422);
}

pub async fn sign_in_and_language_redirects_stay_on_plain_local_paths(backend: Backend) {
    let d = Desk::new(backend).await;
    set_password(&d, d.agent_id).await;
    let evil = [
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "//evil.example",
        "/\\evil.example",
        "/ /evil.example",
        "https://evil.example",
    ];
    for next in evil {
        let mut b = Browser::new(&d, "en");
        b.get("/login").await;
        let p = b
            .post(
                "/login",
                &[
                    ("email", "agent@desk.test"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
                true,
            )
            .await;
        assert_eq!(p.status, 303, "login {next:?}: {}", p.body);
        assert_eq!(p.headers["location"], "/agent/queue", "{next:?}");
        b.get("/agent/queue").await;
        let p = b
            .post("/lang", &[("lang", "uk"), ("next", next)], true)
            .await;
        assert_eq!(p.status, 303, "lang {next:?}: {}", p.body);
        let to = p.headers["location"].to_str().unwrap();
        assert!(to == "/" || to.starts_with("/agent"), "{next:?} -> {to}");
    }
    let mut b = Browser::new(&d, "en");
    b.get("/login").await;
    let p = b
        .post(
            "/login",
            &[
                ("email", "agent@desk.test"),
                ("password", PASSWORD),
                ("next", "/agent/tickets/1?tab=all#clocks"),
            ],
            true,
        )
        .await;
    assert_eq!(p.headers["location"], "/agent/tickets/1?tab=all#clocks");
}

pub async fn pages_carry_browser_security_headers(backend: Backend) {
    let d = Desk::new(backend).await;
    set_password(&d, d.agent_id).await;
    let mut b = Browser::new(&d, "en");
    let login = b.get("/login").await;
    let csp = login.headers["content-security-policy"].to_str().unwrap();
    assert!(csp.contains("default-src 'self'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(login.headers["x-frame-options"], "DENY");
    assert_eq!(login.headers["x-content-type-options"], "nosniff");
    assert_eq!(login.headers["referrer-policy"], "same-origin");
    b.sign_in("agent@desk.test").await;
    let queue = b.get("/agent/queue").await;
    assert_eq!(queue.status, 200);
    assert_eq!(queue.headers["cache-control"], "no-store");
    assert!(queue.headers.contains_key("content-security-policy"));
    // The policy holds because no page needs inline script, style or javascript: URLs.
    for path in [
        "/agent/queue",
        "/agent/tickets/1",
        "/admin",
        "/no-such-page",
    ] {
        let body = b.get(path).await.body;
        for bad in ["<script>", "style=\"", "javascript:", "<style"] {
            assert!(!body.contains(bad), "{path} has {bad}");
        }
    }
    let docs = b.get("/api/v1/docs").await.body;
    assert!(
        !docs.contains("<script>") && !docs.contains("<style"),
        "{docs}"
    );
    assert_eq!(b.get("/assets/api-docs.js").await.status, 200);
    // The API's answers carry them too, and a token's are never cached.
    let r = d
        .app
        .http
        .get(d.app.url("/api/v1/me"))
        .bearer_auth(&d.agent)
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["cache-control"], "no-store");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
}

pub async fn the_origin_check_compares_the_scheme(backend: Backend) {
    let d = Desk::new(backend).await;
    set_password(&d, d.agent_id).await;
    let mut b = Browser::new(&d, "en");
    b.sign_in("agent@desk.test").await;
    b.get("/agent/queue").await;
    let host = b.base.trim_start_matches("http://").to_owned();
    let form = [("lang", "uk")];
    let p = b
        .post_from("/lang", &form, true, Some(&format!("https://{host}")))
        .await;
    assert_eq!(p.status, 403, "an https origin is another site than http");
    let p = b
        .post_from("/lang", &form, true, Some(&format!("http://{host}")))
        .await;
    assert_eq!(p.status, 303);
    // The API's cookie-authenticated changes alike.
    let r = d
        .app
        .http
        .delete(d.app.url("/api/v1/session"))
        .header("cookie", b.cookie_header())
        .header("origin", format!("https://{host}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status().as_u16(),
        204,
        "signing out needs no origin check"
    );
}

pub async fn sqlite_acknowledges_a_request_only_once_it_is_on_disk(backend: Backend) {
    let d = Desk::new(backend).await;
    let sync = d.app.store.sqlite_synchronous().await.unwrap();
    match backend {
        // 2 is FULL: the write-ahead log is synced at every commit.
        Backend::Sqlite => assert_eq!(sync, Some(2)),
        Backend::Postgres => assert_eq!(sync, None),
    }
}

pub async fn behind_a_trusted_proxy_limits_count_the_forwarded_client(backend: Backend) {
    let proxies = tierline_web::TrustedProxies::new(vec!["127.0.0.1/32".parse().unwrap()]);
    let app = tierline_testkit::TestApp::spawn_with(backend, crate::desk::monday(), |s| {
        s.trusted_proxies = proxies;
    })
    .await;
    let attempt = |from: &'static str, i: usize| {
        let app = &app;
        async move {
            let r = app
                .http
                .post(app.url("/api/v1/session"))
                .header("x-forwarded-for", format!("6.6.6.6, {from}"))
                .json(&json!({"email": format!("user{i}@desk.test"), "password": "guess"}))
                .send()
                .await
                .unwrap();
            let retry = r
                .headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().parse::<i64>().unwrap());
            (r.status().as_u16(), retry)
        }
    };
    let free = usize::try_from(tierline_store::CLIENT_FREE_FAILURES).unwrap();
    for i in 0..free {
        assert_eq!(attempt("203.0.113.1", i).await.0, 401);
    }
    // One client past its free failures is slowed down, not locked out for the window...
    let (s, retry) = attempt("203.0.113.1", free).await;
    assert_eq!(s, 429);
    let retry = retry.unwrap();
    assert!(retry <= 2, "{retry}");
    app.clock
        .set(crate::desk::monday() + jiff::SignedDuration::from_secs(retry));
    assert_eq!(attempt("203.0.113.1", free + 1).await.0, 401);
    // ... and another client behind the same proxy is not slowed at all.
    assert_eq!(attempt("198.51.100.2", 0).await.0, 401);
    // Without the proxy trusted, the header is the client's own words and changes nothing.
    let plain = tierline_testkit::TestApp::spawn(backend, crate::desk::monday()).await;
    for i in 0..=free {
        let r = plain
            .http
            .post(plain.url("/api/v1/session"))
            .header("x-forwarded-for", format!("10.0.0.{i}"))
            .json(&json!({"email": format!("user{i}@desk.test"), "password": "guess"}))
            .send()
            .await
            .unwrap();
        let want = if i < free { 401 } else { 429 };
        assert_eq!(r.status().as_u16(), want, "attempt {i}");
    }
}

/// Reads a live-update stream for a while; what arrived.
async fn listen(resp: &mut reqwest::Response, for_ms: u64) -> String {
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_millis(for_ms);
    while let Ok(Ok(Some(chunk))) = tokio::time::timeout_at(deadline, resp.chunk()).await {
        seen.push_str(&String::from_utf8_lossy(&chunk));
    }
    seen
}

pub async fn live_updates_send_only_what_is_new_and_visible(backend: Backend) {
    let d = Desk::new(backend).await;
    for id in [d.agent_id, d.gus_id] {
        set_password(&d, id).await;
    }
    // History before anyone listens.
    let old = d.globex_ticket;
    for i in 0..5 {
        ok(
            &d.app,
            "POST",
            &format!("/api/v1/tickets/{old}/replies"),
            &d.agent,
            json!({"body": format!("old reply {i}")}),
        )
        .await;
    }
    let mut agent = Browser::new(&d, "en");
    agent.sign_in("agent@desk.test").await;
    let mut gus = Browser::new(&d, "en");
    gus.sign_in("gus@globex.test").await;
    let open = |b: &Browser| {
        b.http
            .get(format!("{}/ui/events", b.base))
            .header("cookie", b.cookie_header())
            .send()
    };
    let mut agent_events = open(&agent).await.unwrap();
    let mut gus_events = open(&gus).await.unwrap();
    let replayed = listen(&mut gus_events, 1500).await;
    assert!(
        !replayed.contains("\"id\":"),
        "old changes replayed: {replayed}"
    );
    // An internal note is the desk's business: the customer's page hears nothing of it.
    let fresh = ok(
        &d.app,
        "POST",
        "/api/v1/tickets",
        &d.gus,
        json!({"subject": "Another one"}),
    )
    .await;
    let fresh = fresh["id"].as_i64().unwrap();
    wait_for_event(&mut gus_events, fresh)
        .await
        .expect("its own new request");
    ok(
        &d.app,
        "POST",
        &format!("/api/v1/tickets/{old}/replies"),
        &d.agent,
        json!({"body": "the customer is difficult", "public": false}),
    )
    .await;
    wait_for_event(&mut agent_events, old)
        .await
        .expect("the desk hears of the note");
    let heard = listen(&mut gus_events, 1500).await;
    assert!(
        !heard.contains(&format!("\"id\":{old},")),
        "the customer heard of a note: {heard}"
    );
    ok(
        &d.app,
        "POST",
        &format!("/api/v1/tickets/{old}/replies"),
        &d.agent,
        json!({"body": "fixed"}),
    )
    .await;
    wait_for_event(&mut gus_events, old)
        .await
        .expect("a public reply is news for the customer");
}

pub async fn people_change_their_own_password_and_stay_signed_in_only_where_they_did(
    backend: Backend,
) {
    let d = Desk::new(backend).await;
    set_password(&d, d.gus_id).await;
    let mut here = Browser::new(&d, "uk");
    here.sign_in("gus@globex.test").await;
    let mut there = Browser::new(&d, "en");
    there.sign_in("gus@globex.test").await;
    here.get("/settings").await;
    let form = |current: &'static str, new: &'static str, again: &'static str| {
        [
            ("current_password", current),
            ("new_password", new),
            ("new_password_again", again),
        ]
    };
    let wrong = here
        .post(
            "/settings/password",
            &form(
                "not it at all",
                "a fresh new password",
                "a fresh new password",
            ),
            true,
        )
        .await;
    assert_eq!(wrong.status, 422);
    assert!(
        wrong.body.contains("Це не ваш поточний пароль"),
        "{}",
        wrong.body
    );
    let short = here
        .post(
            "/settings/password",
            &form(PASSWORD, "short", "short"),
            true,
        )
        .await;
    assert_eq!(short.status, 422);
    let ok = here
        .post(
            "/settings/password",
            &form(PASSWORD, "a fresh new password", "a fresh new password"),
            true,
        )
        .await;
    assert_eq!(ok.status, 303, "{}", ok.body);
    assert_eq!(here.get("/portal").await.status, 200, "this session stays");
    assert_eq!(
        there.get("/portal").await.status,
        303,
        "the other one is signed out"
    );
    // The API does the same for scripts, under the sign-in limits.
    let (s, p) = d
        .app
        .call(
            "POST",
            "/api/v1/me/password",
            Some(&d.gus),
            Some(&json!({"current_password": "wrong guess here", "new_password": "another new password"})),
        )
        .await;
    assert_eq!(s, 422, "{p}");
    let (s, _) = d
        .app
        .call(
            "POST",
            "/api/v1/me/password",
            Some(&d.gus),
            Some(&json!({"current_password": "a fresh new password", "new_password": "another new password"})),
        )
        .await;
    assert_eq!(s, 204);
    assert_eq!(
        here.get("/portal").await.status,
        303,
        "a token has no session to keep"
    );
}

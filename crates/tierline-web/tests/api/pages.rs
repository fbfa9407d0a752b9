//! The web app's pages over HTTP, as a browser without JavaScript uses them: cookies, forms with
//! their CSRF token, redirects. (The browser test drives the same pages in chromium.)

use std::collections::HashMap;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use serde_json::json;
use tierline_store::Backend;

use crate::desk::{Desk, ok};

pub(crate) const PASSWORD: &str = "a long enough password";

/// A browser: a cookie jar, no redirects followed, the last page's CSRF token.
pub(crate) struct Browser {
    pub(crate) http: reqwest::Client,
    pub(crate) base: String,
    pub(crate) cookies: HashMap<String, String>,
    pub(crate) csrf: String,
    lang: &'static str,
}

pub(crate) struct Page {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: String,
}

impl Browser {
    pub(crate) fn new(d: &Desk, lang: &'static str) -> Browser {
        Browser {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            base: d.app.url(""),
            cookies: HashMap::new(),
            csrf: String::new(),
            lang,
        }
    }

    pub(crate) fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub(crate) async fn keep(&mut self, r: reqwest::Response) -> Page {
        for c in r.headers().get_all(SET_COOKIE) {
            let c = c.to_str().unwrap();
            let (kv, _) = c.split_once(';').unwrap_or((c, ""));
            let (k, v) = kv.split_once('=').unwrap();
            if v.is_empty() {
                self.cookies.remove(k);
            } else {
                self.cookies.insert(k.to_owned(), v.to_owned());
            }
        }
        let status = r.status();
        let headers = r.headers().clone();
        let body = r.text().await.unwrap();
        if let Some(i) = body.find("name=\"_csrf\" value=\"") {
            let rest = &body[i + 20..];
            self.csrf = rest[..rest.find('"').unwrap()].to_owned();
        }
        Page {
            status,
            headers,
            body,
        }
    }

    pub(crate) async fn get(&mut self, path: &str) -> Page {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("accept-language", self.lang)
            .send()
            .await
            .unwrap();
        self.keep(r).await
    }

    /// Posts a form; `csrf: false` leaves the token out.
    pub(crate) async fn post(&mut self, path: &str, form: &[(&str, &str)], csrf: bool) -> Page {
        self.post_from(path, form, csrf, None).await
    }

    pub(crate) async fn post_from(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        csrf: bool,
        origin: Option<&str>,
    ) -> Page {
        let mut pairs: Vec<(&str, &str)> = form.to_vec();
        let token = self.csrf.clone();
        if csrf {
            pairs.push(("_csrf", &token));
        }
        let mut req = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("accept-language", self.lang)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(
                pairs
                    .iter()
                    .map(|(k, v)| format!("{k}={}", urlencode(v)))
                    .collect::<Vec<_>>()
                    .join("&"),
            );
        if let Some(o) = origin {
            req = req.header("origin", o);
        }
        let r = req.send().await.unwrap();
        self.keep(r).await
    }

    pub(crate) async fn sign_in(&mut self, email: &str) {
        self.get("/login").await;
        let p = self
            .post("/login", &[("email", email), ("password", PASSWORD)], true)
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
        assert!(self.cookies.contains_key("tierline_session"));
    }
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub(crate) async fn set_password(d: &Desk, id: i64) {
    ok(
        &d.app,
        "PATCH",
        &format!("/api/v1/users/{id}"),
        &d.admin,
        json!({"password": PASSWORD}),
    )
    .await;
}

async fn leads(d: &Desk) -> usize {
    let v = d
        .app
        .store
        .viewer_for_token(&d.admin)
        .await
        .unwrap()
        .unwrap();
    d.app.store.leads(&v).await.unwrap().len()
}

pub async fn pages_forms_and_their_protections(backend: Backend) {
    let d = Desk::new(backend).await;
    for id in [d.agent_id, d.ann_id, d.gus_id] {
        set_password(&d, id).await;
    }

    // The public site, in the browser's language, with nothing loaded from elsewhere.
    let mut visitor = Browser::new(&d, "uk-UA,uk;q=0.9");
    let home = visitor.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("<html lang=\"uk\">"));
    for outside in [
        "src=\"http",
        "href=\"http",
        "src=\"//",
        "href=\"//",
        "url(http",
    ] {
        assert!(!home.body.contains(outside), "the page loads {outside}…");
    }
    let css = visitor.get("/assets/app.css").await;
    assert!(!css.body.contains("url(http") && !css.body.contains("@import"));
    assert_eq!(
        visitor.get("/assets/htmx.min.js").await.status,
        StatusCode::OK
    );
    assert_eq!(
        visitor.get("/assets/nothing.js").await.status,
        StatusCode::NOT_FOUND
    );
    let nowhere = visitor.get("/no/such/page").await;
    assert_eq!(nowhere.status, StatusCode::NOT_FOUND);
    assert!(
        nowhere.body.contains("<html lang=\"uk\">"),
        "a page for people: {}",
        nowhere.body
    );
    let api = visitor.get("/api/v1/no/such/thing").await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.headers["content-type"], "application/problem+json");

    // The lead form: refused without its token, stored with it, silently dropped for a bot.
    let lead = [
        ("name", "Olga"),
        ("phone", "+380 44 123 45 67"),
        ("need", "A support contract"),
    ];
    let p = visitor.post("/request-support", &lead, false).await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    assert_eq!(leads(&d).await, 0);
    let p = visitor.post("/request-support", &lead, true).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.body);
    assert_eq!(leads(&d).await, 1);
    let mut bot = lead.to_vec();
    bot.push(("website", "http://spam.test"));
    visitor.get("/").await;
    let p = visitor.post("/request-support", &bot, true).await;
    assert_eq!(p.status, StatusCode::OK);
    assert_eq!(leads(&d).await, 1, "the honeypot keeps bots out");
    visitor.get("/").await;
    let p = visitor
        .post(
            "/request-support",
            &[("name", "Olga"), ("phone", "call me"), ("need", "x")],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(p.body.contains("Olga"), "what was typed is kept");

    // Pages that need a user send a visitor to sign in, and back afterwards.
    let p = visitor.get("/agent/queue?view=line1").await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(
        p.headers[LOCATION],
        "/login?next=/agent/queue%3Fview%3Dline1"
    );
    visitor.get("/login").await;
    let p = visitor
        .post(
            "/login",
            &[("email", "ann@acme.test"), ("password", "wrong")],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::UNAUTHORIZED);
    let p = visitor
        .post(
            "/login",
            &[
                ("email", "ann@acme.test"),
                ("password", PASSWORD),
                ("next", "https://evil.test/"),
            ],
            true,
        )
        .await;
    assert_eq!(
        p.headers[LOCATION], "/portal",
        "never redirected off the site"
    );

    // A customer sees their own requests only; another organisation's are not found.
    let mut ann = Browser::new(&d, "en");
    ann.sign_in("ann@acme.test").await;
    let mine = ok(
        &d.app,
        "POST",
        "/api/v1/tickets",
        &d.ann,
        json!({"subject": "Checkout broken", "description": "500 on pay"}),
    )
    .await;
    let mine = mine["id"].as_i64().unwrap();
    let list = ann.get("/portal").await;
    assert!(list.body.contains("Checkout broken"));
    assert!(!list.body.contains("Globex shop down"));
    for path in [
        format!("/portal/tickets/{}", d.globex_ticket),
        format!("/agent/tickets/{}", d.globex_ticket),
        format!("/agent/tickets/{mine}"),
        "/agent/queue".to_owned(),
        "/admin".to_owned(),
    ] {
        let p = ann.get(&path).await;
        assert_eq!(p.status, StatusCode::NOT_FOUND, "{path}");
        assert!(p.body.contains("Not found"), "{path}");
        assert!(!p.body.contains("Globex shop down"));
    }

    // A new request from the portal with attachments of a few MiB; a file over 10 MiB is refused
    // and nothing is recorded.
    ann.get("/portal/new").await;
    let upload = |size: usize, subject: &'static str| {
        let form = reqwest::multipart::Form::new()
            .text("_csrf", ann.csrf.clone())
            .text("subject", subject)
            .text("description", "See the attached log")
            .part(
                "files",
                reqwest::multipart::Part::bytes(vec![b'x'; size]).file_name("big.log"),
            );
        ann.http
            .post(format!("{}/portal/new", ann.base))
            .header("cookie", ann.cookie_header())
            .multipart(form)
            .send()
    };
    let small = upload(3 * 1024 * 1024, "With a 3 MiB log").await.unwrap();
    let large = upload(11 * 1024 * 1024, "With an 11 MiB log")
        .await
        .unwrap();
    assert_eq!(small.status(), StatusCode::SEE_OTHER);
    assert_eq!(large.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let created = small.headers()[LOCATION].to_str().unwrap().to_owned();
    let page = ann.get(&created).await;
    assert!(page.body.contains("big.log"), "{created}");
    assert!(!ann.get("/portal").await.body.contains("11 MiB log"));

    // Forms without the token, or from another site, change nothing.
    ann.get(&format!("/portal/tickets/{mine}")).await;
    let reply = [("body", "Any news?")];
    let p = ann
        .post(&format!("/portal/tickets/{mine}/reply"), &reply, false)
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let p = ann
        .post_from(
            &format!("/portal/tickets/{mine}/reply"),
            &reply,
            true,
            Some("https://evil.test"),
        )
        .await;
    assert_eq!(p.status, StatusCode::FORBIDDEN);
    let events = |who: &str| {
        let app = &d.app;
        let who = who.to_owned();
        async move {
            let (_, e) = app
                .call(
                    "GET",
                    &format!("/api/v1/tickets/{mine}/events"),
                    Some(&who),
                    None,
                )
                .await;
            e.as_array().unwrap().len()
        }
    };
    let before = events(&d.agent).await;
    assert_eq!(before, 1);
    let p = ann
        .post(&format!("/portal/tickets/{mine}/reply"), &reply, true)
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(events(&d.agent).await, 2);

    // The agent works it from the ticket page; the customer sees the reply, not the note.
    let mut agent = Browser::new(&d, "ru");
    agent.sign_in("agent@desk.test").await;
    let q = agent.get("/agent/queue?view=line1").await;
    assert_eq!(q.status, StatusCode::OK);
    assert!(q.body.contains("<html lang=\"ru\">"));
    assert!(q.body.contains("Checkout broken") && q.body.contains("Globex shop down"));
    agent.get(&format!("/agent/tickets/{mine}")).await;
    for (path, form) in [
        (
            "reply",
            vec![("body", "Looking at it now"), ("visibility", "public")],
        ),
        (
            "reply",
            vec![
                ("body", "Payment provider's fault"),
                ("visibility", "internal"),
            ],
        ),
        (
            "line",
            vec![("direction", "up"), ("reason", "Needs a developer")],
        ),
        ("class", vec![("class", "5"), ("reason", "Only one page")]),
        ("time", vec![("minutes", "15"), ("note", "Checked logs")]),
    ] {
        let p = agent
            .post(&format!("/agent/tickets/{mine}/{path}"), &form, true)
            .await;
        assert_eq!(p.status, StatusCode::SEE_OTHER, "{path}: {}", p.body);
    }
    let p = agent
        .post(
            &format!("/agent/tickets/{mine}/line"),
            &[("direction", "up"), ("reason", "x")],
            true,
        )
        .await;
    assert_eq!(
        p.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the contract has two lines"
    );
    let (_, t) = d
        .app
        .call(
            "GET",
            &format!("/api/v1/tickets/{mine}"),
            Some(&d.agent),
            None,
        )
        .await;
    assert_eq!(
        (t["line"].as_i64(), t["class"].as_i64()),
        (Some(2), Some(5)),
        "{t}"
    );
    // Files from the agent: one for the customer, one internal.
    for (name, internal) in [("fix.patch", false), ("provider-notes.txt", true)] {
        let mut form = reqwest::multipart::Form::new()
            .text("_csrf", agent.csrf.clone())
            .part(
                "files",
                reqwest::multipart::Part::bytes(b"contents".to_vec()).file_name(name),
            );
        if internal {
            form = form.text("visibility", "internal");
        }
        let r = agent
            .http
            .post(format!("{}/agent/tickets/{mine}/attachments", agent.base))
            .header("cookie", agent.cookie_header())
            .multipart(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{name}");
    }
    let seen = ann.get(&format!("/portal/tickets/{mine}")).await.body;
    assert!(seen.contains("fix.patch") && !seen.contains("provider-notes"));
    assert!(seen.contains("Looking at it now"));
    assert!(!seen.contains("Payment provider"));
    assert!(!seen.contains("Checked logs"));

    // Search by another form of a word, in the agent's page.
    let found = agent.get("/agent/search?q=broke").await;
    assert!(
        found.body.contains(&format!("data-ticket=\"{mine}\"")),
        "stems match"
    );
    let bad = agent.get("/agent/search?from=yesterday").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Availability: a customer's own systems, never another organisation's.
    let page = ann.get("/availability").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let own = page.headers[LOCATION].to_str().unwrap().to_owned();
    assert_eq!(own, format!("/availability/{}", d.acme));
    let page = ann.get(&own).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("shop") && page.body.contains("99.5 %"),
        "{}",
        page.body
    );
    assert_eq!(
        ann.get(&format!("/availability/{}", d.globex)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        ann.get(&format!("{own}?month=2026-13")).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        agent
            .get(&format!("/availability/{}", d.globex))
            .await
            .status,
        StatusCode::OK
    );

    // Signing out ends the session.
    agent.get("/agent/queue").await;
    let p = agent.post("/logout", &[], true).await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    assert_eq!(
        agent.get("/agent/queue").await.status,
        StatusCode::SEE_OTHER
    );
}

/// Reads server-sent events until one whose data names `ticket`, or gives up.
pub(crate) async fn wait_for_event(resp: &mut reqwest::Response, ticket: i64) -> Option<String> {
    let mut seen = String::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while let Ok(Ok(Some(chunk))) = tokio::time::timeout_at(deadline, resp.chunk()).await {
        seen.push_str(&String::from_utf8_lossy(&chunk));
        if seen.contains(&format!("\"id\":{ticket},")) {
            return Some(seen);
        }
    }
    None
}

pub async fn live_updates_reach_only_those_who_may_see_them(backend: Backend) {
    let d = Desk::new(backend).await;
    for id in [d.agent_id, d.gus_id] {
        set_password(&d, id).await;
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
    assert_eq!(agent_events.status(), StatusCode::OK);
    assert_eq!(agent_events.headers()["content-type"], "text/event-stream");
    let mut gus_events = open(&gus).await.unwrap();
    // The follower starts from the newest change once someone listens.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let acme = ok(
        &d.app,
        "POST",
        "/api/v1/tickets",
        &d.ann,
        json!({"subject": "Acme's"}),
    )
    .await;
    let globex = ok(
        &d.app,
        "POST",
        "/api/v1/tickets",
        &d.gus,
        json!({"subject": "Globex's"}),
    )
    .await;
    let (acme, globex) = (acme["id"].as_i64().unwrap(), globex["id"].as_i64().unwrap());
    let seen = wait_for_event(&mut agent_events, globex)
        .await
        .expect("the agent hears of both");
    assert!(seen.contains(&format!("\"id\":{acme},")) && seen.contains("event: ticket"));
    let seen = wait_for_event(&mut gus_events, globex)
        .await
        .expect("Globex hears of its own");
    assert!(
        !seen.contains(&format!("\"id\":{acme},")),
        "never of another organisation's: {seen}"
    );
    // On PostgreSQL a change can commit after a later one was read: it is passed on all the same.
    if backend == Backend::Postgres {
        use sqlx::{Connection, Executor};
        sqlx::any::install_default_drivers();
        let mut conn = sqlx::AnyConnection::connect(&d.app.db.url).await.unwrap();
        let mut slow = conn.begin().await.unwrap();
        slow.execute(sqlx::AssertSqlSafe(format!(
            "INSERT INTO ticket_events (ticket_id, at, actor_id, kind, public, data) VALUES ({acme}, 0, NULL, 'note', 0, '{{}}')"
        )))
        .await
        .unwrap();
        ok(
            &d.app,
            "POST",
            &format!("/api/v1/tickets/{globex}/replies"),
            &d.agent,
            json!({"body": "later id, committed first"}),
        )
        .await;
        let seen = wait_for_event(&mut agent_events, globex)
            .await
            .expect("the later change");
        assert!(!seen.contains(&format!("\"id\":{acme},")), "{seen}");
        tokio::time::sleep(Duration::from_millis(700)).await;
        slow.commit().await.unwrap();
        wait_for_event(&mut agent_events, acme)
            .await
            .expect("the earlier id, committed later, is not lost");
    }
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(d.app.url("/ui/events"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
}

pub async fn administration_and_phone_requests_through_forms(backend: Backend) {
    let d = Desk::new(backend).await;
    let boss = ok(
        &d.app,
        "POST",
        "/api/v1/users",
        &d.admin,
        json!({"email": "boss@desk.test", "name": "Boss", "role": "admin", "password": PASSWORD}),
    )
    .await;
    assert!(boss["id"].is_i64());
    let mut admin = Browser::new(&d, "en");
    admin.sign_in("boss@desk.test").await;
    assert_eq!(admin.get("/admin").await.status, StatusCode::OK);
    let p = admin
        .post("/admin/customers", &[("name", "Initech")], true)
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let page = p.headers[LOCATION].to_str().unwrap().to_owned();
    let id: i64 = page.rsplit('/').next().unwrap().parse().unwrap();
    admin.get(&page).await;
    let p = admin
        .post(
            &format!("/admin/customers/{id}/systems"),
            &[
                ("name", "Portal"),
                ("url", "https://portal.initech.test"),
                ("built_by_us", "on"),
            ],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);

    // The week's preview follows the coverage chosen.
    let preview = admin
        .get("/admin/coverage-preview?coverage=base%2Bevening")
        .await;
    assert!(preview.body.contains("09:30–20:00"), "{}", preview.body);
    let bad = admin
        .get("/admin/coverage-preview?coverage=base%2Bnights")
        .await;
    assert!(bad.body.contains("unknown preset"));

    // A contract: typed holidays, an .ics file, the SLA table edited from the default.
    let ics = "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270824\r\nSUMMARY:Independence Day\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    let contract = |reaction_4: &'static str| {
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in [
            ("_csrf", admin.csrf.as_str()),
            ("effective_from", "2027-01-01"),
            ("tz", "Europe/Kyiv"),
            ("coverage", "base+evening"),
            ("lines", "3"),
            ("consultation_hours", "5"),
            ("base_price_usd", "900"),
            ("warning_percent", "75"),
            ("stability", "on"),
            ("holidays", "2027-01-01\n2027-01-07 Christmas\n"),
            ("reaction_1", "not_in_sla"),
            ("resolution_1", "not_in_sla"),
            ("reaction_2", "30m"),
            ("resolution_2", "1h"),
            ("reaction_3", "30m"),
            ("resolution_3", "1h"),
            ("reaction_4", reaction_4),
            ("resolution_4", "6h"),
            ("reaction_5", "3h"),
            ("resolution_5", "6h"),
            ("reaction_6", "4h"),
            ("resolution_6", "not_in_sla"),
            ("work_start_6", "16h"),
        ] {
            form = form.text(k, v.to_owned());
        }
        form.part(
            "ics",
            reqwest::multipart::Part::text(ics).file_name("holidays.ics"),
        )
    };
    let send = |form: reqwest::multipart::Form| {
        admin
            .http
            .post(format!("{}/admin/customers/{id}/contracts", admin.base))
            .header("cookie", admin.cookie_header())
            .multipart(form)
            .send()
    };
    let r = send(contract("soon")).await.unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("sla"));
    let (_, versions) = d
        .app
        .call(
            "GET",
            &format!("/api/v1/customers/{id}/contracts"),
            Some(&d.admin),
            None,
        )
        .await;
    assert_eq!(versions.as_array().unwrap().len(), 0, "nothing stored");
    let r = send(contract("1h 30m")).await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, versions) = d
        .app
        .call(
            "GET",
            &format!("/api/v1/customers/{id}/contracts"),
            Some(&d.admin),
            None,
        )
        .await;
    let terms = &versions[0]["terms"];
    assert_eq!(
        terms["calendar"]["holidays"],
        json!(["2027-01-01", "2027-01-07", "2027-08-24"]),
        "{terms}"
    );
    assert_eq!(terms["sla"][3]["reaction"], "1h 30m", "{terms}");
    assert_eq!(
        (
            terms["lines"].as_i64(),
            terms["stability"].as_bool(),
            terms["consultation_hours"].as_i64()
        ),
        (Some(3), Some(true), Some(5))
    );
    assert_eq!(terms["warning_share"], 0.75);

    // Users, roles and groups.
    let p = admin
        .post(
            "/admin/users",
            &[
                ("name", "Petro"),
                ("email", "petro@desk.test"),
                ("role", "agent"),
                ("lines", "1"),
                ("lines", "3"),
                ("password", PASSWORD),
            ],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let (_, users) = d
        .app
        .call("GET", "/api/v1/users", Some(&d.admin), None)
        .await;
    let petro = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "petro@desk.test")
        .unwrap()
        .clone();
    assert_eq!(petro["lines"], json!([1, 3]));
    let pid = petro["id"].as_i64().unwrap().to_string();
    admin.get("/admin").await;
    let p = admin
        .post(
            &format!("/admin/users/{pid}"),
            &[("set_lines", "1"), ("lines", "2")],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    let (_, u) = d
        .app
        .call("GET", &format!("/api/v1/users/{pid}"), Some(&d.admin), None)
        .await;
    assert_eq!(u["lines"], json!([2]), "lines changed from the users table");
    admin.get("/admin").await;
    assert_eq!(
        admin
            .post("/admin/groups", &[("name", "Web team")], true)
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let (_, groups) = d
        .app
        .call("GET", "/api/v1/groups", Some(&d.admin), None)
        .await;
    let gid = groups[0]["id"].as_i64().unwrap();
    assert_eq!(
        admin
            .post(
                &format!("/admin/groups/{gid}/members"),
                &[("user", &pid)],
                true
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        admin
            .post(
                &format!("/admin/users/{pid}"),
                &[("disabled", "true")],
                true
            )
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let mut petro_browser = Browser::new(&d, "en");
    petro_browser.get("/login").await;
    let p = petro_browser
        .post(
            "/login",
            &[("email", "petro@desk.test"), ("password", PASSWORD)],
            true,
        )
        .await;
    assert_eq!(
        p.status,
        StatusCode::UNAUTHORIZED,
        "a disabled user cannot sign in"
    );

    // An agent types in a phone call that came an hour ago: its clocks start then.
    let mut agent = Browser::new(&d, "en");
    set_password(&d, d.agent_id).await;
    agent.sign_in("agent@desk.test").await;
    assert_eq!(agent.get("/agent/tickets/new").await.status, StatusCode::OK);
    let acme = d.acme.to_string();
    let p = agent
        .post(
            "/agent/tickets/new",
            &[
                ("customer", &acme),
                ("subject", "Called: site is slow"),
                ("description", "The catalogue takes 10 s"),
                ("class", "4"),
                ("opened_at", "2026-11-16T06:30"),
            ],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let tid = p.headers[LOCATION]
        .to_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let (_, t) = d
        .app
        .call(
            "GET",
            &format!("/api/v1/tickets/{tid}"),
            Some(&d.agent),
            None,
        )
        .await;
    assert_eq!(t["channel"], "phone");
    // The agent's zone is unset and the client sent none: the time is read as UTC.
    assert_eq!(t["opened_at"], "2026-11-16T06:30:00Z", "{t}");
    let p = agent
        .post(
            "/agent/tickets/new",
            &[
                ("customer", &acme),
                ("subject", "From the future"),
                ("opened_at", "2026-11-16T12:00"),
            ],
            true,
        )
        .await;
    assert_eq!(
        p.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a call cannot come after now"
    );

    // Given to a group, it shows in that group's queue, a tab for its members.
    let agent_id = d.agent_id.to_string();
    let p = admin
        .post(
            &format!("/admin/groups/{gid}/members"),
            &[("user", &agent_id)],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER);
    agent.get(&format!("/agent/tickets/{tid}")).await;
    let g = gid.to_string();
    let p = agent
        .post(
            &format!("/agent/tickets/{tid}/group"),
            &[("group", &g)],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let q = agent.get("/agent/queue").await;
    assert!(q.body.contains(&format!("view=group{gid}")) && q.body.contains("Web team"));
    let q = agent.get(&format!("/agent/queue?view=group{gid}")).await;
    assert!(q.body.contains(&format!("data-ticket=\"{tid}\"")));
    assert!(!q.body.contains("Globex shop down"));
}

pub async fn a_vendor_contact_sees_only_the_escalation_shared_with_it(backend: Backend) {
    let d = Desk::new(backend).await;
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
    let v = ok(&d.app, "POST", "/api/v1/users", &d.admin, json!({"email": "ops@hoster.test", "name": "Hoster Ops", "role": "vendor", "password": PASSWORD})).await;
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
        json!({"vendor": "Hoster", "external_ref": "HX-77", "contact_id": v["id"]}),
    )
    .await;
    let mut vendor = Browser::new(&d, "en");
    vendor.sign_in("ops@hoster.test").await;
    let q = vendor.get("/agent/queue").await;
    assert_eq!(q.status, StatusCode::OK);
    assert!(q.body.contains(&format!("data-ticket=\"{tid}\"")));
    assert!(!q.body.contains("Globex shop down"));
    let page = vendor.get(&format!("/agent/tickets/{tid}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("HX-77"));
    assert!(
        !page.body.contains("Customer&#39;s secret details")
            && !page.body.contains("secret details")
    );
    let p = vendor
        .post(
            &format!("/agent/tickets/{tid}/reply"),
            &[("body", "Replacement ordered")],
            true,
        )
        .await;
    assert_eq!(p.status, StatusCode::SEE_OTHER, "{}", p.body);
    let notes = vendor.get(&format!("/agent/tickets/{tid}")).await.body;
    assert!(notes.contains("Replacement ordered"));
    assert_eq!(
        vendor
            .get(&format!("/agent/tickets/{}", d.globex_ticket))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        vendor.get("/agent/search?q=disk").await.status,
        StatusCode::NOT_FOUND,
        "search is for the desk"
    );
    // The customer never sees the vendor's note.
    let (_, events) = d
        .app
        .call(
            "GET",
            &format!("/api/v1/tickets/{tid}/events"),
            Some(&d.ann),
            None,
        )
        .await;
    assert!(!events.to_string().contains("Replacement ordered"));
}

//! Limits on what is uploaded or received: customers' attachment quota and upload rate,
//! multipart forms' parts, files and fields, holiday files, alert payloads. Small limits are set
//! through `UploadLimits`, as a configuration would.

use jiff::SignedDuration;
use reqwest::StatusCode;
use reqwest::header::{LOCATION, RETRY_AFTER};
use serde_json::{Value, json};
use tierline_store::{Backend, TicketId, UploadLimits};
use tierline_web::Clock as _;

use crate::desk::{Desk, ok};
use crate::pages::{Browser, PASSWORD, set_password};

const KIB: usize = 1024;

fn files(mut form: reqwest::multipart::Form, sizes: &[usize]) -> reqwest::multipart::Form {
    for (i, size) in sizes.iter().enumerate() {
        form = form.part(
            "files",
            reqwest::multipart::Part::bytes(vec![b'x'; *size]).file_name(format!("log{i}.txt")),
        );
    }
    form
}

/// The portal's new request with files of these sizes, in `lang`.
async fn new_request(
    b: &mut Browser,
    lang: &str,
    subject: &str,
    sizes: &[usize],
) -> reqwest::Response {
    b.get("/portal/new").await;
    let form = reqwest::multipart::Form::new()
        .text("_csrf", b.csrf.clone())
        .text("subject", subject.to_owned())
        .text("description", "See the attached log");
    send(b, lang, "/portal/new", files(form, sizes)).await
}

/// An agent's files on a ticket, in `lang`.
async fn agent_attach(
    b: &mut Browser,
    lang: &str,
    ticket: i64,
    sizes: &[usize],
) -> reqwest::Response {
    b.get(&format!("/agent/tickets/{ticket}")).await;
    let form = reqwest::multipart::Form::new().text("_csrf", b.csrf.clone());
    let path = format!("/agent/tickets/{ticket}/attachments");
    send(b, lang, &path, files(form, sizes)).await
}

async fn send(
    b: &Browser,
    lang: &str,
    path: &str,
    form: reqwest::multipart::Form,
) -> reqwest::Response {
    b.http
        .post(format!("{}{path}", b.base))
        .header("cookie", b.cookie_header())
        .header("accept-language", lang)
        .multipart(form)
        .send()
        .await
        .unwrap()
}

fn ticket_of(r: &reqwest::Response) -> i64 {
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    r.headers()[LOCATION]
        .to_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

/// The sizes of a ticket's files, as stored.
async fn stored(d: &Desk, ticket: i64) -> Vec<i64> {
    let agent = d
        .app
        .store
        .viewer_for_token(&d.agent)
        .await
        .unwrap()
        .unwrap();
    d.app
        .store
        .attachments(&agent, TicketId(ticket))
        .await
        .unwrap()
        .iter()
        .map(|a| a.size)
        .collect()
}

async fn portal_subjects(b: &mut Browser) -> String {
    b.get("/portal").await.body
}

pub async fn attachments_are_bounded_per_customer_by_a_quota_and_a_rate(backend: Backend) {
    let limits = UploadLimits {
        quota_bytes: 300 * KIB as u64,
        rate_bytes: 200 * KIB as u64,
        rate_window: SignedDuration::from_hours(1),
    };
    let d = Desk::with(backend, |s| {
        s.desk = s.desk.clone().with_upload_limits(limits);
    })
    .await;
    for id in [d.agent_id, d.ann_id, d.gus_id] {
        set_password(&d, id).await;
    }
    let mut ann = Browser::new(&d, "uk");
    ann.sign_in("ann@acme.test").await;
    let mut agent = Browser::new(&d, "en");
    agent.sign_in("agent@desk.test").await;

    let first = ticket_of(&new_request(&mut ann, "uk", "First log", &[150 * KIB]).await);
    // 150 + 100 KiB within the hour is over 200 KiB: refused in the customer's language, with
    // when to try again, and the request is not opened without its file.
    let r = new_request(&mut ann, "uk", "Second log", &[100 * KIB]).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = r.headers()[RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert_eq!(wait, 3600, "when the first file is an hour old");
    let page = r.text().await.unwrap();
    assert!(
        page.contains("не більше 200 KiB файлів за 1 год") && page.contains("Нічого не додано"),
        "{page}"
    );
    assert!(!portal_subjects(&mut ann).await.contains("Second log"));

    // An hour on, the rate has room again; the quota counts everything stored.
    d.app
        .clock
        .set(d.app.clock.now() + SignedDuration::from_mins(61));
    let third = ticket_of(&new_request(&mut ann, "uk", "Third log", &[100 * KIB]).await);
    // An agent's file on the customer's ticket is the customer's storage: 250 + 100 > 300 KiB.
    let r = agent_attach(&mut agent, "en", first, &[100 * KIB]).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let page = r.text().await.unwrap();
    assert!(
        page.contains("would take more than the 300 KiB allowed (250 KiB stored, 100 KiB sent)")
            && page.contains("Nothing was added"),
        "{page}"
    );
    // Nothing already stored is lost; what fits still goes in.
    assert_eq!(stored(&d, first).await, [150 * 1024]);
    assert_eq!(stored(&d, third).await, [100 * 1024]);
    assert_eq!(
        agent_attach(&mut agent, "en", first, &[50 * KIB])
            .await
            .status(),
        StatusCode::SEE_OTHER
    );

    // Another customer has its own quota and rate, and an agent's upload counts against it.
    let mut gus = Browser::new(&d, "en");
    gus.sign_in("gus@globex.test").await;
    let theirs = ticket_of(&new_request(&mut gus, "en", "Globex log", &[150 * KIB]).await);
    let r = agent_attach(&mut agent, "en", theirs, &[60 * KIB]).await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    let page = r.text().await.unwrap();
    assert!(page.contains("At most 200 KiB of files"), "{page}");
    assert_eq!(stored(&d, theirs).await, [150 * 1024]);
}

pub async fn multipart_forms_are_bounded_in_parts_files_and_fields(backend: Backend) {
    let d = Desk::new(backend).await;
    set_password(&d, d.ann_id).await;
    let mut ann = Browser::new(&d, "en");
    ann.sign_in("ann@acme.test").await;

    // Eleven files at once: refused, and no request opened.
    let r = new_request(&mut ann, "en", "Eleven files", &[1; 11]).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("at most 10 files at once"));
    // More parts than any form has.
    ann.get("/portal/new").await;
    let mut form = reqwest::multipart::Form::new()
        .text("_csrf", ann.csrf.clone())
        .text("subject", "Many fields");
    for i in 0..100 {
        form = form.text(format!("x{i}"), "y");
    }
    let r = send(&ann, "en", "/portal/new", form).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("at most 100 fields"));
    // A text field of 600 KiB (within the route's 40 MiB body limit).
    ann.get("/portal/new").await;
    let form = reqwest::multipart::Form::new()
        .text("_csrf", ann.csrf.clone())
        .text("subject", "Huge description")
        .text("description", "a".repeat(600 * KIB));
    let r = send(&ann, "en", "/portal/new", form).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("description: must be at most 524288 bytes")
    );
    let list = portal_subjects(&mut ann).await;
    for refused in ["Eleven files", "Many fields", "Huge description"] {
        assert!(!list.contains(refused), "{refused}");
    }
    // Ten files are fine, and all are kept.
    let t = ticket_of(&new_request(&mut ann, "en", "Ten files", &[1; 10]).await);
    assert_eq!(stored(&d, t).await.len(), 10);
}

/// The contract form of a customer with an .ics file, as an administrator sends it.
fn contract_form(csrf: &str, ics: String) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in [
        ("_csrf", csrf),
        ("effective_from", "2027-01-01"),
        ("tz", "Europe/Kyiv"),
        ("coverage", "base"),
        ("lines", "2"),
        ("reaction_1", "not_in_sla"),
        ("resolution_1", "not_in_sla"),
        ("reaction_2", "30m"),
        ("resolution_2", "1h"),
        ("reaction_3", "1h"),
        ("resolution_3", "4h"),
        ("reaction_4", "2h"),
        ("resolution_4", "8h"),
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
}

pub async fn a_holiday_file_that_asks_for_too_much_is_refused_in_the_admins_language(
    backend: Backend,
) {
    let d = Desk::new(backend).await;
    ok(
        &d.app,
        "POST",
        "/api/v1/users",
        &d.admin,
        json!({"email": "boss@desk.test", "name": "Boss", "role": "admin", "password": PASSWORD}),
    )
    .await;
    let mut admin = Browser::new(&d, "uk");
    admin.sign_in("boss@desk.test").await;
    let page = format!("/admin/customers/{}", d.acme);
    // The probing attack: 1,666 year-long events repeated COUNT=1000 times, 217 KB that once
    // aborted the server.
    let mut attack = String::from("BEGIN:VCALENDAR\r\n");
    for i in 0..1666 {
        attack.push_str(&format!(
            "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20260101\r\nDTEND;VALUE=DATE:20270101\r\n\
             RRULE:FREQ=YEARLY;COUNT=1000\r\nSUMMARY:Day {i}\r\nEND:VEVENT\r\n"
        ));
    }
    attack.push_str("END:VCALENDAR\r\n");
    let too_big = format!(
        "BEGIN:VCALENDAR\r\nX-PAD:{}\r\nEND:VCALENDAR\r\n",
        "x".repeat(600 * KIB)
    );
    for (ics, said) in [
        (attack, "дає понад 10000 дат свят"),
        (too_big, "більший за 512 КіБ"),
    ] {
        admin.get(&page).await;
        let form = contract_form(&admin.csrf.clone(), ics);
        let path = format!("/admin/customers/{}/contracts", d.acme);
        let r = send(&admin, "uk", &path, form).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = r.text().await.unwrap();
        assert!(body.contains(said), "{said}: {body}");
    }
    let (_, versions) = d
        .app
        .call(
            "GET",
            &format!("/api/v1/customers/{}/contracts", d.acme),
            Some(&d.admin),
            None,
        )
        .await;
    assert_eq!(versions.as_array().unwrap().len(), 1, "nothing stored");
}

/// `n` hexadecimal digits that do not repeat, so that PostgreSQL cannot compress them.
fn noise(n: usize) -> String {
    let mut out = String::new();
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    while out.len() < n {
        // xorshift64
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.push_str(&format!("{x:016x}"));
    }
    out.truncate(n);
    out
}

pub async fn alert_payloads_are_bounded(backend: Backend) {
    let d = Desk::new(backend).await;
    // Stability, so that alerts open incidents.
    let terms = json!({"calendar": {"tz": "Europe/Kyiv", "coverage": "base"}, "lines": 2, "stability": true});
    ok(
        &d.app,
        "POST",
        &format!("/api/v1/customers/{}/contracts", d.acme),
        &d.admin,
        json!({"effective_from": "2026-11-01", "terms": terms}),
    )
    .await;
    let secret = ok(
        &d.app,
        "POST",
        &format!("/api/v1/customers/{}/alert-secret", d.acme),
        &d.admin,
        json!({}),
    )
    .await;
    let secret = secret["secret"].as_str().unwrap().to_owned();
    let post = |body: Value| {
        let secret = secret.clone();
        let app = &d.app;
        async move {
            let r = app
                .http
                .post(app.url("/api/v1/alerts/alertmanager"))
                .bearer_auth(secret)
                .json(&body)
                .send()
                .await
                .unwrap();
            (r.status().as_u16(), r.json::<Value>().await.unwrap())
        }
    };
    let alert = |name: String, labels: Value, annotations: Value| {
        let mut labels = labels;
        labels["alertname"] = json!(name);
        json!({"status": "firing", "labels": labels, "annotations": annotations,
               "startsAt": "2026-11-16T06:55:00Z"})
    };
    let tickets = || async {
        let (_, page) = d
            .app
            .call("GET", "/api/v1/tickets?limit=100", Some(&d.admin), None)
            .await;
        page["items"].as_array().unwrap().len()
    };
    let before = tickets().await;
    let many: Vec<Value> = (0..501)
        .map(|i| alert(format!("A{i}"), json!({}), json!({})))
        .collect();
    let mut labels = serde_json::Map::new();
    for i in 0..65 {
        labels.insert(format!("l{i}"), json!("v"));
    }
    let refused = [
        (json!({"version": "4", "alerts": many}), "at most 500"),
        (
            json!({"version": "4", "alerts": [alert("Disk".into(), Value::Object(labels), json!({}))]}),
            "at most 64",
        ),
        (
            // A fingerprint too long for PostgreSQL's index (one that does not compress): once a
            // 500 there, "index row size exceeds maximum".
            json!({"version": "4", "alerts": [{"status": "firing", "labels": {"alertname": "Disk"},
                   "fingerprint": noise(6000)}]}),
            "512 bytes",
        ),
    ];
    for (body, said) in refused {
        let (status, problem) = post(body).await;
        assert_eq!(status, 422, "{said}: {problem}");
        assert!(
            problem["detail"].as_str().unwrap().contains(said),
            "{problem}"
        );
    }
    assert_eq!(tickets().await, before, "nothing opened");
    // A summary longer than a subject may be is cut, and the incident opens.
    let long = alert(
        "Disk".into(),
        json!({}),
        json!({"summary": "full ".repeat(200)}),
    );
    let (status, answer) = post(json!({"version": "4", "alerts": [long]})).await;
    assert_eq!(status, 200, "{answer}");
    assert_eq!(answer["alerts"][0]["action"], "opened", "{answer}");
}

/// The subjects of the tickets the agent sees.
async fn subjects(d: &Desk) -> Vec<String> {
    let page = ok(
        &d.app,
        "GET",
        "/api/v1/tickets?limit=200",
        &d.agent,
        json!(null),
    )
    .await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["subject"].as_str().unwrap().to_owned())
        .collect()
}

pub async fn a_refused_file_leaves_no_request_and_a_resubmit_makes_exactly_one(backend: Backend) {
    let limits = UploadLimits {
        quota_bytes: 100 * KIB as u64,
        rate_bytes: 1000 * KIB as u64,
        rate_window: SignedDuration::from_hours(1),
    };
    let d = Desk::with(backend, |s| {
        s.desk = s.desk.clone().with_upload_limits(limits);
    })
    .await;
    set_password(&d, d.ann_id).await;
    let mut ann = Browser::new(&d, "en");
    ann.sign_in("ann@acme.test").await;
    let subject = "Screenshots of the outage";
    // Over the quota: refused, and the ticket and its file went in one transaction, so there
    // is no ticket either.
    let r = new_request(&mut ann, "en", subject, &[150 * KIB]).await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let same = |all: Vec<String>| all.iter().filter(|s| *s == subject).count();
    assert_eq!(same(subjects(&d).await), 0, "no ticket without its file");
    // The resubmit with a file that fits makes exactly one, with its file.
    let t = ticket_of(&new_request(&mut ann, "en", subject, &[50 * KIB]).await);
    assert_eq!(same(subjects(&d).await), 1);
    assert_eq!(stored(&d, t).await, [50 * 1024]);
}

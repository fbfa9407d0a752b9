//! Browser tests: the real app on a loopback port, Debian's chromium driven by playwright-core
//! (`flow.mjs`). Where node, chromium or the npm package is missing the test is reported as
//! ignored, and under CI (`CI` set) that is a failure, because CI must run it. `.ci/run`
//! installs all three.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use tierline_store::{Backend, CustomerId, NewUser, Role};
use tierline_testkit::TestApp;
use tierline_web::Clock;

const PASSWORD: &str = "correct horse battery";

fn here() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser")
}

/// Why the browser test cannot run here, if it cannot.
fn missing() -> Option<String> {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned());
    if !Path::new(&chromium).exists() {
        return Some(format!("no chromium at {chromium}"));
    }
    if std::process::Command::new("node")
        .arg("--version")
        .output()
        .is_err()
    {
        return Some("no node".to_owned());
    }
    if !here().join("node_modules/playwright-core").exists() {
        return Some("playwright-core is not installed (npm ci in tests/browser)".to_owned());
    }
    None
}

fn main() {
    let args = libtest_mimic::Arguments::from_args();
    let mut trial =
        libtest_mimic::Trial::test("browser::agent_and_customer_in_three_languages", run);
    if let Some(why) = missing() {
        if std::env::var_os("CI").is_some() {
            eprintln!("the browser test cannot run under CI: {why}");
            std::process::exit(1);
        }
        eprintln!("browser test skipped: {why}");
        trial = trial.with_ignored_flag(true);
    }
    libtest_mimic::run(&args, vec![trial]).exit();
}

fn run() -> Result<(), libtest_mimic::Failed> {
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    rt.block_on(flow())
}

async fn user(app: &TestApp, email: &str, role: Role, customer: Option<CustomerId>, lines: &[i64]) {
    app.store
        .create_user(
            None,
            NewUser {
                email: email.to_owned(),
                name: email.split('@').next().unwrap().to_owned(),
                role,
                customer_id: customer,
                lines: lines
                    .iter()
                    .map(|l| tierline_domain::ticket::Line::try_from(*l).unwrap())
                    .collect(),
                password: Some(PASSWORD.to_owned()),
            },
            app.clock.now(),
        )
        .await
        .unwrap();
}

async fn flow() -> Result<(), libtest_mimic::Failed> {
    // The browser counts down in real time, so the server's clock follows the real one.
    let app = TestApp::spawn(Backend::Sqlite, Timestamp::now()).await;
    let clock = app.clock.clone();
    let ticking = tokio::spawn(async move {
        loop {
            clock.set(Timestamp::now());
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    });
    let (_, admin) = app.user("admin@desk.test", Role::Admin, None, &[]).await;
    let mut customers = Vec::new();
    for name in ["Acme", "Globex"] {
        let (status, c) = app
            .call(
                "POST",
                "/api/v1/customers",
                Some(&admin),
                Some(&json!({"name": name})),
            )
            .await;
        assert_eq!(status, 201, "{c}");
        let id = c["id"].as_i64().unwrap();
        let (status, body) = app
            .call(
                "POST",
                &format!("/api/v1/customers/{id}/contracts"),
                Some(&admin),
                Some(&json!({"effective_from": "2020-01-01", "terms": {"calendar": {"tz": "Europe/Kyiv", "coverage": "24x7"}, "lines": 3}})),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        customers.push(CustomerId(id));
    }
    let (status, system) = app
        .call(
            "POST",
            &format!("/api/v1/customers/{}/systems", customers[0]),
            Some(&admin),
            Some(&json!({"name": "Shop", "built_by_us": true})),
        )
        .await;
    assert_eq!(status, 201, "{system}");
    user(&app, "agent@desk.test", Role::Agent, None, &[1, 2]).await;
    user(&app, "boss@desk.test", Role::Admin, None, &[]).await;
    user(
        &app,
        "ann@acme.test",
        Role::Customer,
        Some(customers[0]),
        &[],
    )
    .await;
    user(
        &app,
        "gus@globex.test",
        Role::Customer,
        Some(customers[1]),
        &[],
    )
    .await;
    // Another organisation's ticket, for the customer to try to open.
    let (_, gus_token) = app
        .user(
            "gus-api@globex.test",
            Role::Customer,
            Some(customers[1].0),
            &[],
        )
        .await;
    let (status, theirs) = app
        .call(
            "POST",
            "/api/v1/tickets",
            Some(&gus_token),
            Some(&json!({"subject": "Globex only", "description": "private"})),
        )
        .await;
    assert_eq!(status, 201, "{theirs}");
    // A ticket whose reaction clock (class 5: 3 h, warning at 80 % = 2 h 24 min) warns a few
    // seconds from now, for the countdown to change state in front of the agent.
    let opened = Timestamp::now() - SignedDuration::from_secs(2 * 3600 + 24 * 60 - 6);
    let (status, warns) = app
        .call(
            "POST",
            "/api/v1/tickets",
            Some(&admin),
            Some(&json!({"customer_id": customers[0], "subject": "Warns soon", "description": "", "class": 5, "opened_at": opened.to_string(), "channel": "phone"})),
        )
        .await;
    assert_eq!(status, 201, "{warns}");

    let artefacts = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-artifacts");
    std::fs::create_dir_all(&artefacts).unwrap();
    let input = json!({
        "base": app.url(""),
        "password": PASSWORD,
        "agent": "agent@desk.test",
        "admin": "boss@desk.test",
        "customer": "ann@acme.test",
        "other_ticket": theirs["id"],
        "warning_ticket": warns["id"],
        "artefacts": artefacts,
        "chromium": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_owned()),
    });
    let output = tokio::process::Command::new("node")
        .arg(here().join("flow.mjs"))
        .arg(input.to_string())
        .current_dir(here())
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(240), output)
        .await
        .map_err(|_| "the browser flow took over 4 minutes")?
        .map_err(|e| format!("cannot run node: {e}"))?;
    ticking.abort();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if !output.status.success() {
        return Err(
            format!("the browser flow failed\n--- stdout\n{stdout}\n--- stderr\n{stderr}").into(),
        );
    }
    eprintln!("{stdout}");
    // What the browser did is in the database too.
    let (_, t) = app
        .call(
            "GET",
            "/api/v1/tickets?q=printer&limit=5",
            Some(&admin),
            None,
        )
        .await;
    let ticket = &t["items"][0];
    assert_eq!(ticket["line"], 2, "escalated in the browser: {t}");
    assert_eq!(ticket["channel"], "portal");
    Ok(())
}

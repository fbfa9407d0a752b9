//! `tierline serve` runs the monitors: a TCP service on loopback is seen up, then down, and the
//! down opens an incident, all through the real binary and the real clock.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::tierline;

#[test]
fn serve_checks_monitors_and_opens_incidents() {
    let dir = std::env::temp_dir().join(format!("tierline-cli-monitor-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("tierline.db").display().to_string();
    let out = tierline(
        &[
            "--db",
            &db,
            "user",
            "add",
            "--email",
            "boss@desk.test",
            "--role",
            "admin",
        ],
        "",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = tierline(
        &["--db", &db, "token", "create", "--email", "boss@desk.test"],
        "",
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();

    let mut child = Command::new(env!("CARGO_BIN_EXE_tierline"))
        .args(["--db", &db, "serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("the server logs where it listens")
            .unwrap();
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    // Keep reading the log so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines.by_ref() {});

    let service = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = service.local_addr().unwrap().port();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::new();
    let call = |method: reqwest::Method, path: String, body: Option<Value>| {
        let mut req = http
            .request(method, format!("http://{addr}/api/v1{path}"))
            .bearer_auth(&token);
        if let Some(b) = body {
            req = req.json(&b);
        }
        async move { req.send().await.unwrap().json::<Value>().await.unwrap() }
    };
    let health = rt.block_on(async {
        let c = call(reqwest::Method::POST, "/customers".into(), Some(json!({"name": "Acme"}))).await;
        let cid = c["id"].as_i64().unwrap();
        call(
            reqwest::Method::POST,
            format!("/customers/{cid}/contracts"),
            Some(json!({"effective_from": "2020-01-01", "terms": {"calendar": {"tz": "UTC", "coverage": "24x7"}, "stability": true}})),
        )
        .await;
        let s = call(
            reqwest::Method::POST,
            format!("/customers/{cid}/systems"),
            Some(json!({"name": "Shop", "built_by_us": true})),
        )
        .await;
        let sid = s["id"].as_i64().unwrap();
        let m = call(
            reqwest::Method::POST,
            format!("/systems/{sid}/monitors"),
            Some(json!({"name": "port", "check": {"kind": "tcp", "host": "127.0.0.1", "port": port},
                        "interval_secs": 10, "retries": 0, "timeout_ms": 1000,
                        // The service is on loopback: the administrator allows it.
                        "allow_private_targets": true})),
        )
        .await;
        let id = m["id"].as_i64().unwrap();
        let wait_for = |want: &'static str| {
            let call = &call;
            async move {
                let started = Instant::now();
                loop {
                    let m = call(reqwest::Method::GET, format!("/monitors/{id}"), None).await;
                    if m["health"] == want || started.elapsed() > Duration::from_secs(30) {
                        return m;
                    }
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        };
        let up = wait_for("up").await;
        drop(service);
        let down = wait_for("down").await;
        (up["health"].clone(), down)
    });
    assert_eq!(health.0, "up");
    assert_eq!(health.1["health"], "down", "{}", health.1);
    assert!(health.1["incident_ticket_id"].is_i64(), "{}", health.1);

    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    assert!(child.wait().unwrap().success());
    std::fs::remove_dir_all(dir).unwrap();
}

//! The operator's commands end to end: migrate, user add, token create, demo, and serve on a
//! random loopback port until SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::tierline;

fn temp_db(name: &str) -> (std::path::PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("tierline-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("tierline.db").display().to_string();
    (dir, db)
}

#[test]
fn first_admin_token_and_a_served_request() {
    let (dir, db) = temp_db("serve");
    let out = tierline(&["--db", &db, "migrate"], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = tierline(
        &[
            "--db",
            &db,
            "user",
            "add",
            "--email",
            "Boss@Desk.test",
            "--role",
            "admin",
            "--password-stdin",
        ],
        "long enough password\n",
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("created admin boss@desk.test"));
    let bad = tierline(
        &[
            "--db",
            &db,
            "user",
            "add",
            "--email",
            "x@desk.test",
            "--role",
            "wizard",
        ],
        "",
    );
    assert!(!bad.status.success());
    let out = tierline(
        &[
            "--db",
            &db,
            "token",
            "create",
            "--email",
            "boss@desk.test",
            "--name",
            "ci",
        ],
        "",
    );
    let token = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(token.starts_with("tl_"), "{token}");

    let mut child = Command::new(env!("CARGO_BIN_EXE_tierline"))
        .args(["--db", &db, "serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let addr = loop {
        let line = lines
            .next()
            .expect("the server logs where it listens")
            .unwrap();
        if let Some(rest) = line.split("listening on http://").nth(1) {
            break rest.split_whitespace().next().unwrap().to_owned();
        }
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // reqwest has no crypto provider of its own here (ring is installed at start-up).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let status = rt.block_on(async {
        reqwest::Client::new()
            .get(format!("http://{addr}/api/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status.as_u16(), 200);
    // SIGTERM: the server finishes and exits cleanly.
    let pid = child.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let exit = child.wait().unwrap();
    assert!(exit.success(), "{exit:?}");
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert!(rest.iter().any(|l| l.contains("stopped")), "{rest:?}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn demo_loads_a_living_desk_once() {
    let (dir, db) = temp_db("demo");
    let out = tierline(&["--db", &db, "demo"], "");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("3 customers, 6 staff"), "{text}");
    let tickets: u32 = text
        .split(" tickets")
        .next()
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!((200..=400).contains(&tickets), "{text}");
    assert!(text.contains("SLA warnings and breaches"), "{text}");
    let again = tierline(&["--db", &db, "demo"], "");
    assert!(!again.status.success());
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    std::fs::remove_dir_all(dir).unwrap();
}

//! Monitors are no way into the desk's own network: an agent's monitor on loopback is refused
//! when saved or, named, when checked, and never connects; an administrator's allowance reaches
//! its own target only, and redirects are held to the rule at every hop.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{Value, json};
use tierline_monitor::Checker;
use tierline_store::{Backend, MonitorId, Role};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::helpers::{Desk, secs, ts};

const REFUSED: &str = "target address not allowed: loopback";

/// A server on loopback that counts the connections reaching it and answers each request by
/// its path: `/to?<url>` redirects to `<url>`, anything else is 200 "ok".
struct Counting {
    addr: SocketAddr,
    connections: Arc<AtomicUsize>,
}

impl Counting {
    async fn start(ip: &str) -> Counting {
        let listener = TcpListener::bind((ip, 0)).await.unwrap();
        let addr = listener.local_addr().unwrap();
        let connections = Arc::new(AtomicUsize::new(0));
        let count = connections.clone();
        tokio::spawn(async move {
            while let Ok((mut sock, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 4096];
                    let mut got = Vec::new();
                    while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                        match sock.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => got.extend_from_slice(&buf[..n]),
                        }
                    }
                    let head = String::from_utf8_lossy(&got);
                    let path = head.split_whitespace().nth(1).unwrap_or("/").to_owned();
                    let answer = match path.strip_prefix("/to?") {
                        Some(to) => format!(
                            "HTTP/1.1 302 Found\r\nLocation: {to}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                        ),
                        None => {
                            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                                .to_owned()
                        }
                    };
                    let _ = sock.write_all(answer.as_bytes()).await;
                    let _ = sock.shutdown().await;
                });
            }
        });
        Counting { addr, connections }
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

async fn agent(desk: &Desk) -> String {
    desk.app
        .user("agent@desk.test", Role::Agent, None, &[1, 2])
        .await
        .1
}

async fn add(desk: &Desk, token: &str, settings: Value) -> (u16, Value) {
    desk.app
        .call(
            "POST",
            &format!("/api/v1/systems/{}/monitors", desk.system),
            Some(token),
            Some(&settings),
        )
        .await
}

async fn get(desk: &Desk, id: i64) -> Value {
    desk.call("GET", &format!("/api/v1/monitors/{id}"), None)
        .await
        .1
}

pub async fn an_agents_monitor_inside_the_desk_never_connects(backend: Backend) {
    let t0 = ts("2026-11-02T10:00:00Z");
    let desk = Desk::new(backend, t0, true).await;
    let agent = agent(&desk).await;
    let target = Counting::start("127.0.0.1").await;
    let port = target.addr.port();

    // Addresses written out are refused when saved, in every spelling.
    for check in [
        json!({"kind": "http", "url": format!("http://127.0.0.1:{port}/")}),
        json!({"kind": "http", "url": format!("http://2130706433:{port}/")}),
        json!({"kind": "http", "url": format!("http://[::ffff:127.0.0.1]:{port}/")}),
        json!({"kind": "http", "url": "http://169.254.169.254/latest/meta-data/"}),
        json!({"kind": "tcp", "host": "127.0.0.1", "port": port}),
        json!({"kind": "tcp", "host": "10.0.0.1", "port": 5432}),
        json!({"kind": "tls", "host": "::1", "port": port}),
    ] {
        let (status, e) = add(&desk, &agent, json!({"name": "probe", "check": check})).await;
        assert_eq!(
            (status, e["errors"][0]["field"].as_str()),
            (422, Some("check")),
            "{check}: {e}"
        );
        assert!(
            e["errors"][0]["message"]
                .as_str()
                .unwrap()
                .starts_with("target address not allowed: "),
            "{e}"
        );
    }
    // An agent cannot give itself the allowance.
    let (status, e) = add(
        &desk,
        &agent,
        json!({"name": "probe", "check": {"kind": "tcp", "host": "localhost", "port": port}, "allow_private_targets": true}),
    )
    .await;
    assert_eq!(status, 403, "{e}");

    // Names are saved, and refused at every check by what they resolve to.
    let mut ids = Vec::new();
    for check in [
        json!({"kind": "http", "url": format!("http://localhost:{port}/")}),
        json!({"kind": "tcp", "host": "localhost", "port": port}),
        json!({"kind": "tls", "host": "localhost", "port": port}),
    ] {
        let (status, m) = add(
            &desk,
            &agent,
            json!({"name": "probe", "check": check, "retries": 0}),
        )
        .await;
        assert_eq!(status, 201, "{m}");
        assert_eq!(m["allow_private_targets"], false);
        ids.push(m["id"].as_i64().unwrap());
    }
    // A monitor on a written-out address without the allowance (made before it existed, or
    // withdrawn by an administrator) is refused at check time too.
    let (old, m) = desk
        .monitor(json!({"name": "older", "check": {"kind": "http", "url": format!("http://127.0.0.1:{port}/")}, "retries": 0}))
        .await;
    assert_eq!(m["allow_private_targets"], true);
    let admin = desk
        .app
        .store
        .viewer_for_token(&desk.admin)
        .await
        .unwrap()
        .unwrap();
    let m = desk
        .app
        .store
        .set_monitor_private_targets(&admin, MonitorId(old), false, t0)
        .await
        .unwrap();
    assert!(!m.allow_private_targets);
    ids.push(old);

    let runner = desk.runner(Checker::new(&[]).unwrap());
    assert_eq!(desk.round_at(&runner, t0 + secs(61)).await, ids.len());
    for id in ids {
        let m = get(&desk, id).await;
        assert_eq!(m["health"], "down", "{m}");
        assert_eq!(m["last_message"], REFUSED, "{m}");
    }
    assert_eq!(
        target.connections(),
        0,
        "no check reached the loopback listener"
    );
}

pub async fn an_administrators_allowance_reaches_its_own_target_only(backend: Backend) {
    let t0 = ts("2026-11-02T10:00:00Z");
    let desk = Desk::new(backend, t0, true).await;
    let agent = agent(&desk).await;
    let target = Counting::start("127.0.0.1").await;
    let port = target.addr.port();
    let other = Counting::start("127.0.0.1").await;

    let (http, m) = desk
        .monitor(json!({"name": "Intranet", "check": {"kind": "http", "url": format!("http://127.0.0.1:{port}/health")}, "retries": 0}))
        .await;
    assert_eq!(m["allow_private_targets"], true);
    let (tcp, _) = desk
        .monitor(json!({"name": "Intranet port", "check": {"kind": "tcp", "host": "localhost", "port": port}, "retries": 0}))
        .await;
    let runner = desk.runner(Checker::new(&[]).unwrap());
    desk.round_at(&runner, t0 + secs(61)).await;
    for id in [http, tcp] {
        let m = get(&desk, id).await;
        assert_eq!(m["health"], "up", "{m}");
    }
    let reached = target.connections();
    assert!(reached >= 2, "{reached}");

    // An agent's edit that keeps the target keeps the allowance...
    let put = |id: i64, body: Value| {
        let agent = agent.clone();
        let desk = &desk;
        async move {
            desk.app
                .call(
                    "PUT",
                    &format!("/api/v1/monitors/{id}"),
                    Some(&agent),
                    Some(&body),
                )
                .await
        }
    };
    let (status, m) = put(
        tcp,
        json!({"name": "Intranet port", "check": {"kind": "tcp", "host": "localhost", "port": port}, "retries": 0, "interval_secs": 120}),
    )
    .await;
    assert_eq!(
        (status, &m["allow_private_targets"]),
        (200, &json!(true)),
        "{m}"
    );
    // ...one that moves it to another port loses it, and the check is refused again.
    let (status, m) = put(
        tcp,
        json!({"name": "Intranet port", "check": {"kind": "tcp", "host": "localhost", "port": other.addr.port()}, "retries": 0}),
    )
    .await;
    assert_eq!(
        (status, &m["allow_private_targets"]),
        (200, &json!(false)),
        "{m}"
    );
    let (status, m) = put(
        http,
        json!({"name": "Intranet", "check": {"kind": "http", "url": format!("http://127.0.0.1:{}/", other.addr.port())}, "retries": 0}),
    )
    .await;
    assert_eq!(
        (status, m["errors"][0]["field"].as_str()),
        (422, Some("check")),
        "{m}"
    );
    desk.round_at(&runner, t0 + secs(61 + 120)).await;
    let m = get(&desk, tcp).await;
    assert_eq!(
        (&m["health"], &m["last_message"]),
        (&json!("down"), &json!(REFUSED)),
        "{m}"
    );
    assert_eq!(other.connections(), 0);
}

pub async fn redirects_are_held_to_the_rule_at_every_hop(backend: Backend) {
    let t0 = ts("2026-11-02T10:00:00Z");
    let desk = Desk::new(backend, t0, true).await;
    // The allowed target redirects; the inner servers are private and not allowed.
    let outer = Counting::start("127.0.0.1").await;
    let inner_literal = Counting::start("127.0.0.2").await;
    let inner_named = Counting::start("127.0.0.1").await;
    let base = format!("http://127.0.0.1:{}", outer.addr.port());
    let cases = [
        (format!("{base}/to?{base}/ok"), "up"),
        (format!("{base}/to?/ok"), "up"),
        (format!("{base}/to?http://{}/", inner_literal.addr), "down"),
        (
            format!("{base}/to?http://localhost:{}/", inner_named.addr.port()),
            "down",
        ),
        (
            format!(
                "{base}/to?{base}/to?http://localhost:{}/",
                inner_named.addr.port()
            ),
            "down",
        ),
    ];
    let mut ids = Vec::new();
    for (url, _) in &cases {
        let (id, _) = desk
            .monitor(json!({"name": url, "check": {"kind": "http", "url": url}, "retries": 0}))
            .await;
        ids.push(id);
    }
    let runner = desk.runner(Checker::new(&[]).unwrap());
    desk.round_at(&runner, t0 + secs(61)).await;
    for (id, (url, want)) in ids.into_iter().zip(&cases) {
        let m = get(&desk, id).await;
        assert_eq!(m["health"], *want, "{url}: {m}");
        if *want == "down" {
            assert_eq!(m["last_message"], REFUSED, "{url}: {m}");
        }
    }
    assert!(outer.connections() >= cases.len());
    assert_eq!(
        (inner_literal.connections(), inner_named.connections()),
        (0, 0),
        "no redirect reached a private address it was not allowed"
    );
}

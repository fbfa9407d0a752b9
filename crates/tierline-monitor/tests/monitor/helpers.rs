//! A desk with a Stability customer, servers on loopback that stop and start again, and a
//! runner driven round by round on the test's clock.

use std::net::SocketAddr;
use std::sync::Arc;

use jiff::{SignedDuration, Timestamp};
use serde_json::{Value, json};
use tierline_monitor::{Checker, Runner, RunnerConfig};
use tierline_store::{Backend, Role};
use tierline_testkit::TestApp;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

pub fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

pub fn secs(n: i64) -> SignedDuration {
    SignedDuration::from_secs(n)
}

/// A customer in Kyiv with a contract (Stability or not) and one system built by us.
pub struct Desk {
    pub app: TestApp,
    pub admin: String,
    pub customer: i64,
    pub system: i64,
}

impl Desk {
    pub async fn new(backend: Backend, now: Timestamp, stability: bool) -> Desk {
        let app = TestApp::spawn(backend, now).await;
        let (_, admin) = app.user("admin@desk.test", Role::Admin, None, &[]).await;
        let (_, c) = app
            .call(
                "POST",
                "/api/v1/customers",
                Some(&admin),
                Some(&json!({"name": "Acme"})),
            )
            .await;
        let customer = c["id"].as_i64().unwrap();
        let terms = json!({"effective_from": "2026-01-01", "terms": {"calendar": {"tz": "Europe/Kyiv", "coverage": "24x7"}, "stability": stability}});
        let (status, body) = app
            .call(
                "POST",
                &format!("/api/v1/customers/{customer}/contracts"),
                Some(&admin),
                Some(&terms),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        let (_, s) = app
            .call(
                "POST",
                &format!("/api/v1/customers/{customer}/systems"),
                Some(&admin),
                Some(&json!({"name": "Shop", "built_by_us": true})),
            )
            .await;
        let system = s["id"].as_i64().unwrap();
        Desk {
            app,
            admin,
            customer,
            system,
        }
    }

    pub async fn call(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        self.app.call(method, path, Some(&self.admin), body).await
    }

    /// Adds a monitor as the administrator, who allows it to reach private addresses (the
    /// test servers are on loopback) unless the settings say otherwise; returns its id (and
    /// the whole answer).
    pub async fn monitor(&self, mut settings: Value) -> (i64, Value) {
        if settings["check"]["kind"] != "heartbeat"
            && settings.get("allow_private_targets").is_none()
        {
            settings["allow_private_targets"] = json!(true);
        }
        let (status, m) = self
            .call(
                "POST",
                &format!("/api/v1/systems/{}/monitors", self.system),
                Some(&settings),
            )
            .await;
        assert_eq!(status, 201, "{m}");
        (m["id"].as_i64().unwrap(), m)
    }

    /// A runner on the app's store and clock.
    pub fn runner(&self, checker: Checker) -> Runner {
        Runner::new(
            self.app.store.clone(),
            self.app.clock.clone() as Arc<dyn tierline_store::Clock>,
            Arc::new(checker),
            RunnerConfig::default(),
        )
    }

    /// Sets the clock to `at`, runs what is due and waits for it; returns how many ran.
    pub async fn round_at(&self, runner: &Runner, at: Timestamp) -> usize {
        self.app.clock.set(at);
        let (tasks, _) = runner.round().await.unwrap();
        let n = tasks.len();
        for t in tasks {
            t.await.unwrap();
        }
        n
    }

    pub async fn monitoring_tickets(&self) -> Vec<Value> {
        let (_, page) = self.call("GET", "/api/v1/tickets?limit=100", None).await;
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|t| t["channel"] == "monitoring")
            .cloned()
            .collect()
    }
}

/// The first slot of a monitor created at `created`.
pub fn first_slot(id: i64, interval_secs: i64, created: Timestamp) -> Timestamp {
    let phase = tierline_store::phase_ns(tierline_store::MonitorId(id), interval_secs);
    let ns = tierline_store::next_slot(
        i64::try_from(created.as_nanosecond()).unwrap(),
        phase,
        interval_secs * 1_000_000_000,
    );
    Timestamp::from_nanosecond(i128::from(ns)).unwrap()
}

/// What a loopback server does with a connection.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Serve {
    /// Answers one HTTP request with 200 "ok" and closes (no keep-alive: a stopped server is
    /// really gone, with no pooled connection still answering).
    Http,
    /// Accepts and closes.
    Tcp,
}

/// A server on a fixed loopback port that can stop and start again.
pub struct Loopback {
    pub addr: SocketAddr,
    kind: Serve,
    task: Option<JoinHandle<()>>,
}

impl Loopback {
    pub async fn start(kind: Serve) -> Loopback {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let mut l = Loopback {
            addr,
            kind,
            task: None,
        };
        l.serve(listener);
        l
    }

    fn serve(&mut self, listener: TcpListener) {
        let kind = self.kind;
        self.task = Some(tokio::spawn(async move {
            loop {
                let Ok((mut sock, _)) = listener.accept().await else {
                    return;
                };
                tokio::spawn(async move {
                    if kind == Serve::Http {
                        let mut buf = vec![0u8; 4096];
                        let mut got = Vec::new();
                        while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                            match sock.read(&mut buf).await {
                                Ok(0) | Err(_) => return,
                                Ok(n) => got.extend_from_slice(&buf[..n]),
                            }
                        }
                        let _ = sock
                            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 8\r\nConnection: close\r\n\r\nshop: ok")
                            .await;
                    }
                    let _ = sock.shutdown().await;
                });
            }
        }));
    }

    pub async fn stop(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
            let _ = t.await;
        }
    }

    pub async fn restart(&mut self) {
        self.stop().await;
        let listener = TcpListener::bind(self.addr).await.unwrap();
        self.serve(listener);
    }

    pub fn url(&self) -> String {
        format!("http://{}/health", self.addr)
    }
}

impl Drop for Loopback {
    fn drop(&mut self) {
        if let Some(t) = self.task.take() {
            t.abort();
        }
    }
}

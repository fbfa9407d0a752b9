//! The real application on a random loopback port, with a database of its own and a clock the
//! test sets.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use serde_json::Value;
use tierline_store::{Backend, NewUser, Role, Store};
use tierline_web::{AppState, Clock};

use crate::TestDb;

/// A clock that stands still until the test moves it.
#[derive(Debug)]
pub struct TestClock(Mutex<Timestamp>);

impl TestClock {
    /// Sets the time.
    pub fn set(&self, t: Timestamp) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = t;
    }
}

impl Clock for TestClock {
    fn now(&self) -> Timestamp {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// A running tierline.
#[derive(Debug)]
pub struct TestApp {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its store, for arranging what the API cannot and for checking what was written.
    pub store: Store,
    /// Its clock.
    pub clock: Arc<TestClock>,
    /// Its background tasks: `jobs.run_due_once(now)` runs the SLA timers, the outbox, the
    /// classifier refresh at the test's time.
    pub jobs: Arc<tierline_jobs::Supervisor>,
    /// An HTTP client.
    pub http: reqwest::Client,
    /// The database, dropped with the app.
    pub db: TestDb,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl TestApp {
    /// Starts the app on `backend`, at `now` by its clock.
    pub async fn spawn(backend: Backend, now: Timestamp) -> TestApp {
        TestApp::spawn_with(backend, now, |_| {}).await
    }

    /// [`TestApp::spawn`], with the app's state changed first (trusted proxies, limits).
    pub async fn spawn_with(
        backend: Backend,
        now: Timestamp,
        configure: impl FnOnce(&mut AppState),
    ) -> TestApp {
        // reqwest is built without a crypto provider of its own (ring is the project's one):
        // installed here, as the binary does at start-up.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let db = TestDb::new(backend).await;
        let store = db.store().await;
        let clock = Arc::new(TestClock(Mutex::new(now)));
        // The product's own wiring, on port 0, with the test's clock; only the live pages' feed
        // runs by itself, the other tasks when a test drives `jobs`.
        let settings = tierline::Settings {
            db: db.url.clone(),
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            secure_cookies: false,
            classify_threshold: tierline_classify::DEFAULT_THRESHOLD,
            trusted_proxies: Default::default(),
            sqlite_synchronous: tierline_store::SqliteSync::Full,
            monitor: None,
        };
        let mut app = tierline::Application::build_on(
            &settings,
            store.clone(),
            clock.clone(),
            tierline::Jobs::LiveOnly,
        )
        .await
        .expect("the application builds");
        configure(app.state_mut());
        let addr = app.addr();
        let jobs = app.jobs();
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let _ = app
                .run_until_stopped(async {
                    let _ = rx.await;
                })
                .await;
        });
        TestApp {
            addr,
            store,
            clock,
            jobs,
            http: reqwest::Client::new(),
            db,
            shutdown: Some(tx),
        }
    }

    /// `http://127.0.0.1:PORT/PATH`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// A user made directly in the store, with a token; returns (user id, token).
    pub async fn user(
        &self,
        email: &str,
        role: Role,
        customer_id: Option<i64>,
        lines: &[i64],
    ) -> (i64, String) {
        let lines = lines.iter().map(|&l| tierline_domain_line(l)).collect();
        let u = self
            .store
            .create_user(
                None,
                NewUser {
                    email: email.to_owned(),
                    name: email.to_owned(),
                    role,
                    customer_id: customer_id.map(tierline_store::CustomerId),
                    lines,
                    password: None,
                },
                self.clock.now(),
            )
            .await
            .expect("a user");
        let (_, token) = self
            .store
            .create_token(None, u.id, "test", self.clock.now())
            .await
            .expect("a token");
        (u.id.0, token)
    }

    /// Sends a request and returns the status and the JSON body (`Null` when empty).
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).expect("a method");
        let mut req = self.http.request(method, self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await.expect("the server answers");
        let status = resp.status().as_u16();
        let text = resp.text().await.expect("a body");
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, json)
    }
}

fn tierline_domain_line(l: i64) -> tierline_domain::ticket::Line {
    tierline_domain::ticket::Line::try_from(l).expect("a line 1-4")
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

//! Test-only helpers: a fresh database per test, on SQLite or on the real PostgreSQL server.
//!
//! PostgreSQL is at `TIERLINE_TEST_POSTGRES` (default `postgres://postgres@127.0.0.1:5432/test`).
//! Where it cannot be reached, suites built with [`suite`] report its tests as ignored, so a
//! machine without PostgreSQL shows them as skipped; under CI (`CI` set) that is a failure
//! instead, because CI must run them.

#![allow(
    clippy::expect_used,
    reason = "test support: a broken test database must stop the test loudly"
)]

mod app;
pub mod fixtures;

pub use app::{TestApp, TestClock};

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};

use libtest_mimic::{Arguments, Failed, Trial};
use sqlx::{Connection, Executor};
use tierline_store::{Backend, Store};

/// The PostgreSQL server tests use.
pub fn postgres_admin_url() -> String {
    std::env::var("TIERLINE_TEST_POSTGRES")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned())
}

/// Whether the PostgreSQL server answers.
pub async fn postgres_available() -> bool {
    sqlx::any::install_default_drivers();
    tokio::time::timeout(
        std::time::Duration::from_secs(3),
        sqlx::AnyConnection::connect(&postgres_admin_url()),
    )
    .await
    .is_ok_and(|c| c.is_ok())
}

/// A database of its own for one test, removed when dropped (PostgreSQL) or with its folder
/// (SQLite).
#[derive(Debug)]
pub struct TestDb {
    /// The URL to give `Store::connect` or `tierline --db`.
    pub url: String,
    backend: Backend,
    name: String,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

impl TestDb {
    /// Creates an empty database on `backend`.
    pub async fn new(backend: Backend) -> TestDb {
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let name = format!("tl_test_{}_{n}", std::process::id());
        match backend {
            Backend::Sqlite => {
                let dir = std::env::temp_dir().join(&name);
                std::fs::create_dir_all(&dir).expect("a temporary folder");
                let url = format!("sqlite://{}", dir.join("tierline.db").display());
                TestDb { url, backend, name }
            }
            Backend::Postgres => {
                sqlx::any::install_default_drivers();
                let admin = postgres_admin_url();
                let mut conn = sqlx::AnyConnection::connect(&admin)
                    .await
                    .expect("PostgreSQL answers");
                conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .await
                    .expect("a test database");
                let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b);
                TestDb {
                    url: format!("{base}/{name}"),
                    backend,
                    name,
                }
            }
        }
    }

    /// A migrated store on it.
    pub async fn store(&self) -> Store {
        let store = Store::connect(&self.url).await.expect("connects");
        store.migrate().await.expect("migrates");
        store
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match self.backend {
            Backend::Sqlite => {
                let _ = std::fs::remove_dir_all(std::env::temp_dir().join(&self.name));
            }
            Backend::Postgres => {
                let (admin, name) = (postgres_admin_url(), self.name.clone());
                // Drop runs inside or outside a runtime; a thread of its own works in both.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .ok()?;
                    rt.block_on(async {
                        let mut conn = sqlx::AnyConnection::connect(&admin).await.ok()?;
                        conn.execute(sqlx::AssertSqlSafe(format!(
                            "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                        )))
                        .await
                        .ok()
                    })
                })
                .join();
            }
        }
    }
}

/// An async test body run once per backend.
pub type Story = fn(Backend) -> Pin<Box<dyn Future<Output = ()> + Send>>;

/// Runs `stories` on SQLite and on PostgreSQL as a test binary (`harness = false`), each on a
/// runtime of its own. PostgreSQL's are ignored where it cannot be reached, outside CI.
pub fn suite(stories: &[(&'static str, Story)]) -> ! {
    let args = Arguments::from_args();
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let pg = rt.block_on(postgres_available());
    if !pg {
        if std::env::var_os("CI").is_some() {
            eprintln!(
                "PostgreSQL is not reachable at {} and CI must run its tests",
                postgres_admin_url()
            );
            std::process::exit(1);
        }
        eprintln!(
            "PostgreSQL is not reachable at {}: its tests are reported as ignored",
            postgres_admin_url()
        );
    }
    drop(rt);
    let mut trials = Vec::new();
    for &(name, story) in stories {
        for backend in [Backend::Sqlite, Backend::Postgres] {
            let label = match backend {
                Backend::Sqlite => "sqlite",
                Backend::Postgres => "postgres",
            };
            let trial = Trial::test(format!("{label}::{name}"), move || run(story, backend));
            trials.push(trial.with_ignored_flag(backend == Backend::Postgres && !pg));
        }
    }
    libtest_mimic::run(&args, trials).exit()
}

fn run(story: Story, backend: Backend) -> Result<(), Failed> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failed::from(e.to_string()))?;
    rt.block_on(story(backend));
    Ok(())
}

/// One entry of a [`suite`]: `story!(module::name)` names the async `fn(Backend)` and boxes it
/// as a [`Story`], so every test binary lists its stories the same way.
#[macro_export]
macro_rules! story {
    ($name:path) => {
        (
            stringify!($name),
            (|b| {
                Box::pin($name(b))
                    as ::std::pin::Pin<Box<dyn ::std::future::Future<Output = ()> + Send>>
            }) as $crate::Story,
        )
    };
}

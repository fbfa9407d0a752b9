//! Connecting, migrating, and the write transactions both backends agree on.

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{Any, AnyPool, Executor, Row, Transaction};

use crate::StoreError;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Which database a store runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// An SQLite file.
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// The store: connection pools and the backend behind them.
///
/// On SQLite, writes go through a pool of one connection: writers then queue in order inside the
/// process instead of sleeping on SQLite's busy handler, which is what keeps tail latency flat
/// under concurrent writes. Reads use a pool of their own (WAL lets them run beside the writer).
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: AnyPool,
    writer: AnyPool,
    backend: Backend,
    /// Validated contract versions by id: versions never change, so this is never stale.
    contracts: std::sync::Arc<
        std::sync::Mutex<
            std::collections::HashMap<i64, std::sync::Arc<tierline_domain::contract::Contract>>,
        >,
    >,
    /// Password checks allowed at once (see `sessions`).
    pub(crate) verifier: crate::verifier::Verifier,
    /// Customers' attachment quota and rate (see `uploads`).
    pub(crate) uploads: crate::UploadLimits,
}

/// How SQLite makes a commit durable.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SqliteSync {
    /// Every commit is on disk before it is acknowledged (`synchronous = FULL`): a request the
    /// desk answered survives a crash and a power loss. The default.
    #[default]
    Full,
    /// Commits reach the disk at the next checkpoint (`synchronous = NORMAL`): faster, safe
    /// against a crash of the process, but a power loss can lose the last acknowledged
    /// commits. Only for a desk that accepts that.
    Normal,
}

impl SqliteSync {
    fn pragmas(self) -> &'static str {
        match self {
            SqliteSync::Full => {
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;"
            }
            SqliteSync::Normal => {
                "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                 PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;"
            }
        }
    }
}

impl Store {
    /// Connects to `url`: `postgres://…`, `sqlite://PATH`, `sqlite:PATH` or a plain file path
    /// (an SQLite file, created if missing).
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        Store::connect_with(url, SqliteSync::Full).await
    }

    /// [`Store::connect`], choosing how SQLite makes commits durable (PostgreSQL ignores it).
    pub async fn connect_with(url: &str, sync: SqliteSync) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let (backend, url) = normalise(url);
        let options = AnyConnectOptions::from_str(&url)?;
        let (pool, writer) = match backend {
            Backend::Sqlite => {
                let sqlite = |max: u32| {
                    AnyPoolOptions::new()
                        .max_connections(max)
                        .acquire_timeout(Duration::from_secs(30))
                        .after_connect(move |conn, _| {
                            Box::pin(async move {
                                conn.execute(sync.pragmas()).await?;
                                Ok(())
                            })
                        })
                };
                // The writer first: it creates the file and switches it to WAL before readers open it.
                let writer = sqlite(1).connect_with(options.clone()).await?;
                let readers = sqlite(8).connect_with(options).await?;
                (readers, writer)
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(options)
                    .await?;
                (pool.clone(), pool)
            }
        };
        Ok(Store {
            pool,
            writer,
            backend,
            contracts: Default::default(),
            verifier: crate::verifier::Verifier::start(crate::sessions::verification_permits()),
            uploads: crate::UploadLimits::default(),
        })
    }

    /// Applies the migrations this binary knows; refuses a database migrated by a newer one.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.writer).await?;
        Ok(())
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// SQLite's `synchronous` setting on the writer (0 off, 1 normal, 2 full, 3 extra); `None`
    /// on PostgreSQL, which always waits for its log.
    pub async fn sqlite_synchronous(&self) -> Result<Option<i64>, StoreError> {
        if self.backend != Backend::Sqlite {
            return Ok(None);
        }
        let row = sqlx::query("PRAGMA synchronous")
            .fetch_one(&self.writer)
            .await?;
        Ok(Some(row.try_get(0)?))
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool, waiting for connections in use.
    pub async fn close(&self) {
        self.pool.close().await;
        self.writer.close().await;
    }

    /// A transaction that will write (see [`crate::Dialect::begin_write`]).
    pub(crate) async fn begin_write(&self) -> Result<Transaction<'static, Any>, StoreError> {
        Ok(match self.dialect().begin_write() {
            Some(begin) => self.writer.begin_with(begin).await?,
            None => self.writer.begin().await?,
        })
    }

    /// How this backend spells what the two spell differently.
    pub(crate) fn dialect(&self) -> crate::Dialect {
        crate::Dialect::from(self.backend)
    }

    /// `FOR UPDATE` where the backend has row locks (see [`crate::Dialect::for_update`]).
    pub(crate) fn for_update(&self) -> &'static str {
        self.dialect().for_update()
    }
}

impl Store {
    /// A contract version's validated terms, from the cache or compiled once.
    pub(crate) fn contract_of(
        &self,
        version: &crate::ContractVersion,
    ) -> Result<std::sync::Arc<tierline_domain::contract::Contract>, StoreError> {
        let cached = self
            .contracts
            .lock()
            .ok()
            .and_then(|m| m.get(&version.id.0).cloned());
        if let Some(c) = cached {
            return Ok(c);
        }
        let contract = std::sync::Arc::new(
            version
                .terms
                .clone()
                .validate()
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        );
        if let Ok(mut m) = self.contracts.lock() {
            m.insert(version.id.0, contract.clone());
        }
        Ok(contract)
    }

    /// A contract version's validated terms, by id, without an access check: for callers that
    /// reached it through a ticket the viewer may see.
    pub async fn contract_by_id(
        &self,
        id: crate::ContractVersionId,
    ) -> Result<std::sync::Arc<tierline_domain::contract::Contract>, StoreError> {
        let cached = self
            .contracts
            .lock()
            .ok()
            .and_then(|m| m.get(&id.0).cloned());
        match cached {
            Some(c) => Ok(c),
            None => {
                let version = self.contract_version_unscoped(id).await?;
                self.contract_of(&version)
            }
        }
    }
}

fn normalise(url: &str) -> (Backend, String) {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return (Backend::Postgres, url.to_owned());
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let sep = if path.contains('?') { '&' } else { '?' };
    let mode = if path.contains("mode=") {
        String::new()
    } else {
        format!("{sep}mode=rwc")
    };
    (Backend::Sqlite, format!("sqlite://{path}{mode}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_their_backend() {
        assert_eq!(
            normalise("tierline.db"),
            (Backend::Sqlite, "sqlite://tierline.db?mode=rwc".to_owned())
        );
        assert_eq!(
            normalise("sqlite:/tmp/x.db").1,
            "sqlite:///tmp/x.db?mode=rwc"
        );
        assert_eq!(normalise("postgres://u@h/db").0, Backend::Postgres);
    }
}

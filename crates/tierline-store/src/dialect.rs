//! Every SQL fragment SQLite and PostgreSQL spell differently, in one place.
//!
//! The rest of the store writes SQL both accept (`$n` placeholders, `RETURNING`, `ON CONFLICT …
//! DO UPDATE`, `NULLS LAST`, integers for booleans and instants) and asks a [`Dialect`] for the
//! rest: row locks, the search index, blob concatenation, what a round trip may carry. Only
//! this module and `pool` (connecting and migrating) look at the [`Backend`].

use crate::Backend;

/// SQL put together from this crate's own constants and `$n` placeholders, never from input:
/// user data always travels as bound parameters.
pub(crate) fn own_sql(s: String) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(s)
}

/// How the store's backend spells what the two spell differently.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Dialect(Backend);

impl From<Backend> for Dialect {
    fn from(backend: Backend) -> Dialect {
        Dialect(backend)
    }
}

impl Dialect {
    /// The statement that opens a write transaction, when the default `BEGIN` is not it.
    /// SQLite takes the write lock up front (`BEGIN IMMEDIATE`), so two writers queue on the
    /// busy timeout instead of one failing when it upgrades a read.
    pub(crate) fn begin_write(self) -> Option<&'static str> {
        match self.0 {
            Backend::Sqlite => Some("BEGIN IMMEDIATE"),
            Backend::Postgres => None,
        }
    }

    /// `FOR UPDATE` where the backend has row locks; SQLite's write transaction already holds
    /// the whole database.
    pub(crate) fn for_update(self) -> &'static str {
        match self.0 {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE",
        }
    }

    /// `FOR UPDATE SKIP LOCKED`, so that several nodes claim different rows; SQLite has one
    /// writer at a time, which is enough.
    pub(crate) fn for_update_skip_locked(self) -> &'static str {
        match self.0 {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        }
    }

    /// `FOR NO KEY UPDATE`: a row lock that does not wait for (nor block) the key-share locks
    /// foreign keys take on PostgreSQL; SQLite's write transaction already holds everything.
    pub(crate) fn for_no_key_update(self) -> &'static str {
        match self.0 {
            Backend::Sqlite => "",
            Backend::Postgres => " FOR NO KEY UPDATE",
        }
    }

    /// Whether one query may carry several statements sharing their numbered parameters
    /// (SQLite); PostgreSQL's extended protocol takes one statement at a time.
    pub(crate) fn batches_statements(self) -> bool {
        match self.0 {
            Backend::Sqlite => true,
            Backend::Postgres => false,
        }
    }

    /// `left || right` for two blobs, as a blob: SQLite's `||` makes text of them, the cast gives
    /// the bytes back.
    pub(crate) fn concat_blobs(self, left: &str, right: &str) -> String {
        match self.0 {
            Backend::Sqlite => format!("CAST({left} || {right} AS BLOB)"),
            Backend::Postgres => format!("{left} || {right}"),
        }
    }

    /// A query giving, as `bytes`, what the monitoring tables take, where the backend can say.
    pub(crate) fn monitoring_bytes(self) -> &'static str {
        match self.0 {
            Backend::Postgres => {
                // Live tuples' bytes, indexes aside: dead ones wait for autovacuum.
                "SELECT CAST(COALESCE((SELECT SUM(pg_column_size(h.*)) FROM monitor_hours h), 0) \
                 + COALESCE((SELECT SUM(pg_column_size(d.*)) FROM monitor_days d), 0) \
                 + COALESCE((SELECT SUM(pg_column_size(c.*)) FROM monitor_changes c), 0) AS BIGINT) AS bytes"
            }
            Backend::Sqlite => {
                // Bytes in use in the tables' pages (freed space is reused, and returned by VACUUM).
                "SELECT CAST(SUM(pgsize - unused) AS BIGINT) AS bytes FROM dbstat WHERE name IN ('monitor_hours', 'monitor_days', 'monitor_changes')"
            }
        }
    }

    /// The search index's column holding the ticket id: FTS5 keys its rows by `rowid`.
    pub(crate) fn search_key(self) -> &'static str {
        match self.0 {
            Backend::Sqlite => "rowid",
            Backend::Postgres => "ticket_id",
        }
    }

    /// The insert of a ticket's search entry: its id at `$1`, its public stems at `$2`.
    pub(crate) fn search_insert(self) -> &'static str {
        match self.0 {
            Backend::Sqlite => {
                "INSERT INTO ticket_search (rowid, public_terms, internal_terms) VALUES ($1, $2, '')"
            }
            Backend::Postgres => {
                "INSERT INTO ticket_search (ticket_id, public_terms, internal_terms) VALUES ($1, to_tsvector('simple', $2), ''::tsvector)"
            }
        }
    }

    /// The update adding stems (`$2`) to one column of a ticket's (`$1`) search entry.
    pub(crate) fn search_append(self, column: &str) -> String {
        match self.0 {
            Backend::Sqlite => {
                format!(
                    "UPDATE ticket_search SET {column} = {column} || ' ' || $2 WHERE rowid = $1"
                )
            }
            Backend::Postgres => format!(
                "UPDATE ticket_search SET {column} = {column} || to_tsvector('simple', $2) WHERE ticket_id = $1"
            ),
        }
    }

    /// A condition on `tickets.id` matching tickets whose index has every one of `words` (as a
    /// prefix), in the public part only when `public_only`: the SQL before the query's
    /// placeholder, the query to bind there, and the SQL after it. Stems are alphanumeric, so
    /// quoting them is enough to keep them terms, never operators; a prefix match forgives a
    /// stemmer that cut a query word shorter than the stored one.
    pub(crate) fn search_condition(
        self,
        words: &[String],
        public_only: bool,
    ) -> (String, String, String) {
        match self.0 {
            Backend::Sqlite => {
                let q = words
                    .iter()
                    .map(|w| format!("\"{w}\"*"))
                    .collect::<Vec<_>>()
                    .join(" AND ");
                let q = if public_only {
                    format!("{{public_terms}} : ({q})")
                } else {
                    q
                };
                (
                    "id IN (SELECT rowid FROM ticket_search WHERE ticket_search MATCH ".to_owned(),
                    q,
                    ")".to_owned(),
                )
            }
            Backend::Postgres => {
                let q = words
                    .iter()
                    .map(|w| format!("{w}:*"))
                    .collect::<Vec<_>>()
                    .join(" & ");
                let column = if public_only {
                    "public_terms"
                } else {
                    "(public_terms || internal_terms)"
                };
                (
                    format!(
                        "id IN (SELECT ticket_id FROM ticket_search WHERE {column} @@ to_tsquery('simple', "
                    ),
                    q,
                    "))".to_owned(),
                )
            }
        }
    }
}

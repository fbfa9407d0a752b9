//! Full-text search over tickets, by word stems in Russian, Ukrainian and English.
//!
//! tierline computes the stems itself (`tierline_classify::search_terms`) for what it indexes and
//! for what is asked, so both backends match the same words: SQLite's FTS5 has no Russian or
//! Ukrainian stemmer, PostgreSQL none for Ukrainian. Public text and internal notes are indexed
//! apart; a customer's search only reaches the public part.

use sqlx::{Any, Row, Transaction};

use crate::batch::Arg;
use crate::{Backend, Role, Store, StoreError, TicketId, Viewer};

/// A search reads at most this many distinct words of what is asked (the first ones).
pub const MAX_SEARCH_WORDS: usize = 32;

/// The stems of `text`, space-separated, as the index stores them.
pub(crate) fn terms(text: &str) -> String {
    tierline_classify::search_terms(text).join(" ")
}

/// The statement that indexes a new ticket's public text.
pub(crate) fn index_new(backend: Backend, id: TicketId, public_text: &str) -> (String, Vec<Arg>) {
    let sql = match backend {
        Backend::Sqlite => {
            "INSERT INTO ticket_search (rowid, public_terms, internal_terms) VALUES ($1, $2, '')"
        }
        Backend::Postgres => {
            "INSERT INTO ticket_search (ticket_id, public_terms, internal_terms) VALUES ($1, to_tsvector('simple', $2), ''::tsvector)"
        }
    };
    (
        sql.to_owned(),
        vec![Arg::Int(id.0), Arg::Text(terms(public_text))],
    )
}

/// Adds a reply's or a note's words to a ticket's index.
pub(crate) async fn index_more(
    tx: &mut Transaction<'static, Any>,
    backend: Backend,
    id: TicketId,
    text: &str,
    public: bool,
) -> Result<(), StoreError> {
    let column = if public {
        "public_terms"
    } else {
        "internal_terms"
    };
    let sql = match backend {
        Backend::Sqlite => {
            format!("UPDATE ticket_search SET {column} = {column} || ' ' || $2 WHERE rowid = $1")
        }
        Backend::Postgres => format!(
            "UPDATE ticket_search SET {column} = {column} || to_tsvector('simple', $2) WHERE ticket_id = $1"
        ),
    };
    sqlx::query(crate::own_sql(sql))
        .bind(id.0)
        .bind(terms(text))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The condition on `tickets.id` for a text search, as the SQL before the query's placeholder,
/// the query to bind there, and the SQL after it; `None` when the text has no words to look for.
pub(crate) fn condition(
    backend: Backend,
    viewer: &Viewer,
    text: &str,
) -> Option<(String, String, String)> {
    let mut words = tierline_classify::search_terms(text);
    if words.is_empty() {
        return None;
    }
    // More words could only narrow what all of them must match, and each costs the query: a
    // pasted page of 40,000 words took SQLite 7 s and overflowed PostgreSQL's stack (a 500).
    words.truncate(MAX_SEARCH_WORDS);
    let public_only = viewer.role == Role::Customer;
    if viewer.role == Role::Vendor {
        // A vendor contact's view of a ticket is the escalation, not the customer's words.
        return Some(("(1 = 0 AND ".to_owned(), String::new(), " = '')".to_owned()));
    }
    // Stems are alphanumeric, so quoting them is enough to keep them terms, never operators. A
    // prefix match forgives a stemmer that cut a query word shorter than the stored one.
    Some(match backend {
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
    })
}

impl Store {
    /// Indexes the tickets that have no search entry (those stored before search existed), with
    /// their replies and notes. Returns how many. Run at start-up; one query when there are none.
    pub async fn index_unsearched(&self) -> Result<u64, StoreError> {
        let key = match self.backend() {
            Backend::Sqlite => "rowid",
            Backend::Postgres => "ticket_id",
        };
        let mut done = 0;
        loop {
            let rows = sqlx::query(crate::own_sql(format!(
                "SELECT id, subject, description FROM tickets t WHERE NOT EXISTS \
                 (SELECT 1 FROM ticket_search s WHERE s.{key} = t.id) ORDER BY id LIMIT 500"
            )))
            .fetch_all(&self.pool)
            .await?;
            if rows.is_empty() {
                return Ok(done);
            }
            // The batch's replies and notes in one query: ids are ascending, so a range covers them.
            let first: i64 = rows[0].try_get("id")?;
            let last: i64 = rows[rows.len() - 1].try_get("id")?;
            let mut texts: std::collections::HashMap<i64, (String, String)> =
                std::collections::HashMap::new();
            let events = sqlx::query(
                "SELECT ticket_id, public, data FROM ticket_events WHERE ticket_id BETWEEN $1 AND $2 \
                 AND kind IN ('reply', 'note', 'vendor_note') ORDER BY id",
            )
            .bind(first)
            .bind(last)
            .fetch_all(&self.pool)
            .await?;
            for e in &events {
                let data: String = e.try_get("data")?;
                let body = serde_json::from_str::<serde_json::Value>(&data)
                    .ok()
                    .and_then(|v| v.get("body").and_then(|b| b.as_str()).map(str::to_owned))
                    .unwrap_or_default();
                let entry = texts.entry(e.try_get("ticket_id")?).or_default();
                let text = if e.try_get::<i64, _>("public")? != 0 {
                    &mut entry.0
                } else {
                    &mut entry.1
                };
                text.push('\n');
                text.push_str(&body);
            }
            let mut tx = self.begin_write().await?;
            for r in &rows {
                let id = TicketId(r.try_get("id")?);
                let subject: String = r.try_get("subject")?;
                let description: String = r.try_get("description")?;
                let (public, internal) = texts.remove(&id.0).unwrap_or_default();
                let (sql, args) = index_new(
                    self.backend(),
                    id,
                    &format!("{subject}\n{description}{public}"),
                );
                crate::batch::bind_all(sqlx::query(crate::own_sql(sql)), &args)
                    .execute(&mut *tx)
                    .await?;
                if !internal.is_empty() {
                    index_more(&mut tx, self.backend(), id, &internal, false).await?;
                }
                done += 1;
            }
            tx.commit().await?;
        }
    }
}

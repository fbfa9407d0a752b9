//! Full-text search over tickets, by word stems in Russian, Ukrainian and English.
//!
//! tierline computes the stems itself (`tierline_classify::search_terms`) for what it indexes and
//! for what is asked, so both backends match the same words: SQLite's FTS5 has no Russian or
//! Ukrainian stemmer, PostgreSQL none for Ukrainian. Public text and internal notes are indexed
//! apart; a customer's search only reaches the public part.

use sqlx::{Any, Row, Transaction};

use crate::batch::Arg;
use crate::{Dialect, Role, Store, StoreError, TicketId, Viewer};

/// A search reads at most this many distinct words of what is asked (the first ones).
pub const MAX_SEARCH_WORDS: usize = 32;

/// The stems of `text`, space-separated, as the index stores them.
pub(crate) fn terms(text: &str) -> String {
    tierline_classify::search_terms(text).join(" ")
}

/// The statement that indexes a new ticket's public text.
pub(crate) fn index_new(
    dialect: impl Into<Dialect>,
    id: TicketId,
    public_text: &str,
) -> (String, Vec<Arg>) {
    (
        dialect.into().search_insert().to_owned(),
        vec![Arg::Int(id.0), Arg::Text(terms(public_text))],
    )
}

/// Adds a reply's or a note's words to a ticket's index.
pub(crate) async fn index_more(
    tx: &mut Transaction<'static, Any>,
    dialect: impl Into<Dialect>,
    id: TicketId,
    text: &str,
    public: bool,
) -> Result<(), StoreError> {
    let column = if public {
        "public_terms"
    } else {
        "internal_terms"
    };
    sqlx::query(crate::own_sql(dialect.into().search_append(column)))
        .bind(id.0)
        .bind(terms(text))
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The condition on `tickets.id` for a text search, as the SQL before the query's placeholder,
/// the query to bind there, and the SQL after it; `None` when the text has no words to look for.
pub(crate) fn condition(
    dialect: impl Into<Dialect>,
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
    if viewer.role == Role::Vendor {
        // A vendor contact's view of a ticket is the escalation, not the customer's words.
        return Some(("(1 = 0 AND ".to_owned(), String::new(), " = '')".to_owned()));
    }
    Some(
        dialect
            .into()
            .search_condition(&words, viewer.role == Role::Customer),
    )
}

impl Store {
    /// Indexes the tickets that have no search entry (those stored before search existed), with
    /// their replies and notes. Returns how many. Run at start-up; one query when there are none.
    pub async fn index_unsearched(&self) -> Result<u64, StoreError> {
        let key = self.dialect().search_key();
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
                    self.dialect(),
                    id,
                    &format!("{subject}\n{description}{public}"),
                );
                crate::batch::bind_all(sqlx::query(crate::own_sql(sql)), &args)
                    .execute(&mut *tx)
                    .await?;
                if !internal.is_empty() {
                    index_more(&mut tx, self.dialect(), id, &internal, false).await?;
                }
                done += 1;
            }
            tx.commit().await?;
        }
    }
}

//! Several statements in one round trip where the backend allows it.
//!
//! sqlx's SQLite driver runs each statement through a hand-off to the connection's thread; with
//! one writer, those hand-offs are what limits write throughput. SQLite takes a string of several
//! statements with numbered parameters shared across them, so the inserts that always go
//! together are sent as one. PostgreSQL's extended protocol takes one statement at a time, so
//! there they run one after the other in the same transaction.

use sqlx::{Any, Transaction};

use crate::{Dialect, StoreError};

/// A bound value.
#[derive(Clone, Debug)]
pub(crate) enum Arg {
    Int(i64),
    Text(String),
}

/// Statements to run together, each written with its own `$1…$n`.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    parts: Vec<(String, Vec<Arg>)>,
}

impl Batch {
    pub(crate) fn push(&mut self, sql: impl Into<String>, args: Vec<Arg>) {
        self.parts.push((sql.into(), args));
    }

    pub(crate) async fn run(
        self,
        dialect: impl Into<Dialect>,
        tx: &mut Transaction<'static, Any>,
    ) -> Result<(), StoreError> {
        if dialect.into().batches_statements() {
            let mut sql = String::new();
            let mut all = Vec::new();
            for (part, args) in self.parts {
                sql.push_str(&renumber(&part, all.len()));
                sql.push_str(";\n");
                all.extend(args);
            }
            if !all.is_empty() || !sql.is_empty() {
                bind_all(sqlx::query(crate::own_sql(sql)), &all)
                    .execute(&mut **tx)
                    .await?;
            }
        } else {
            for (sql, args) in self.parts {
                bind_all(sqlx::query(crate::own_sql(sql)), &args)
                    .execute(&mut **tx)
                    .await?;
            }
        }
        Ok(())
    }
}

pub(crate) fn bind_all<'q>(
    mut q: sqlx::query::Query<'q, Any, sqlx::any::AnyArguments>,
    args: &[Arg],
) -> sqlx::query::Query<'q, Any, sqlx::any::AnyArguments> {
    for a in args {
        q = match a {
            Arg::Int(v) => q.bind(*v),
            Arg::Text(v) => q.bind(v.clone()),
        };
    }
    q
}

/// `$1` becomes `$(1 + offset)`, and so on; the store's SQL has no other `$`.
fn renumber(sql: &str, offset: usize) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) {
            let mut n = String::new();
            while let Some(d) = chars.peek().copied().filter(char::is_ascii_digit) {
                n.push(d);
                chars.next();
            }
            out.push('$');
            out.push_str(&(n.parse::<usize>().unwrap_or(0) + offset).to_string());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_are_shifted() {
        assert_eq!(
            super::renumber("VALUES ($1, $2, $10)", 3),
            "VALUES ($4, $5, $13)"
        );
        assert_eq!(super::renumber("no params", 5), "no params");
    }
}

//! A query put together piece by piece: `$n` placeholders numbered as values are bound.
//!
//! sqlx's `QueryBuilder<Any>` writes `?` for every placeholder (the `Any` arguments keep the
//! default `format_placeholder`), which PostgreSQL refuses, and it panics on a bad bind; so a
//! thin builder of our own. Both backends accept `$n`. Numbering at the bind is what lets a
//! condition go anywhere in the text: an arithmetic count kept beside the text was right only as
//! long as the conditions were added in one particular order.

use sqlx::Any;
use sqlx::any::AnyArguments;
use sqlx::query::Query;

use crate::batch::{Arg, bind_all};

/// SQL text from this crate's constants, and the values bound into it, in order.
#[derive(Clone, Debug, Default)]
pub(crate) struct Sql {
    text: String,
    args: Vec<Arg>,
}

impl Sql {
    /// Starts with `text`, which binds nothing.
    pub(crate) fn new(text: impl AsRef<str>) -> Sql {
        Sql {
            text: text.as_ref().to_owned(),
            args: Vec::new(),
        }
    }

    /// Appends SQL text: the crate's own, never input (input goes through [`Sql::bind`]).
    pub(crate) fn push(&mut self, text: impl AsRef<str>) -> &mut Sql {
        self.text.push_str(text.as_ref());
        self
    }

    /// Appends the placeholder of a new bound value.
    pub(crate) fn bind(&mut self, value: impl Into<Arg>) -> &mut Sql {
        self.args.push(value.into());
        self.text.push('$');
        self.text.push_str(&self.args.len().to_string());
        self
    }

    /// Appends `before`, a bound value, then `after`: a condition such as `customer_id = $n`.
    pub(crate) fn cond(&mut self, before: &str, value: impl Into<Arg>, after: &str) -> &mut Sql {
        self.push(before).bind(value).push(after)
    }

    /// Appends `items` as a comma-separated list of placeholders (callers make sure it is not
    /// empty: `IN ()` is no SQL).
    pub(crate) fn bind_list<T: Into<Arg>>(
        &mut self,
        items: impl IntoIterator<Item = T>,
    ) -> &mut Sql {
        for (i, item) in items.into_iter().enumerate() {
            if i > 0 {
                self.push(", ");
            }
            self.bind(item);
        }
        self
    }

    /// The text so far.
    #[cfg(test)]
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// The query, ready to run.
    pub(crate) fn query(&self) -> Query<'static, Any, AnyArguments> {
        bind_all(sqlx::query(crate::own_sql(self.text.clone())), &self.args)
    }

    /// The text and the values, for a [`crate::batch::Batch`].
    pub(crate) fn into_parts(self) -> (String, Vec<Arg>) {
        (self.text, self.args)
    }
}

impl From<i64> for Arg {
    fn from(v: i64) -> Arg {
        Arg::Int(v)
    }
}

impl From<String> for Arg {
    fn from(v: String) -> Arg {
        Arg::Text(v)
    }
}

impl From<&str> for Arg {
    fn from(v: &str) -> Arg {
        Arg::Text(v.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::Sql;
    use crate::batch::Arg;

    #[test]
    fn placeholders_follow_the_binds_whatever_their_kind() {
        let mut q = Sql::new("SELECT 1 FROM t WHERE a = ");
        q.bind("text first")
            .cond(" AND b = ", 7_i64, "")
            .push(" AND c IN (")
            .bind_list([1_i64, 2])
            .push(")")
            .cond(" AND d = ", "text again", "");
        assert_eq!(
            q.text(),
            "SELECT 1 FROM t WHERE a = $1 AND b = $2 AND c IN ($3, $4) AND d = $5"
        );
        let (_, args) = q.into_parts();
        assert!(matches!(&args[0], Arg::Text(t) if t == "text first"));
        assert!(matches!(args[1], Arg::Int(7)));
        assert!(matches!(&args[4], Arg::Text(t) if t == "text again"));
    }
}

//! The queue: tickets a viewer may see, filtered and ordered by the nearest due clock.

use super::{COLUMNS, TicketFilter, TicketPage, ticket};
use jiff::Timestamp;
use sqlx::Row;

use crate::own_sql;
use crate::time::to_db;
use crate::{Role, Store, StoreError, Viewer};

impl Store {
    /// Tickets the viewer may see, nearest due first, then oldest.
    pub async fn tickets(
        &self,
        viewer: &Viewer,
        filter: &TicketFilter,
        now: Timestamp,
    ) -> Result<TicketPage, StoreError> {
        let mut conds: Vec<String> = Vec::new();
        let mut binds: Vec<i64> = Vec::new();
        let mut text_binds: Vec<(usize, String)> = Vec::new();
        let mut add = |cond: &str, v: i64, conds: &mut Vec<String>| {
            binds.push(v);
            conds.push(cond.replace('?', &format!("${}", binds.len())));
        };
        match viewer.role {
            Role::Admin | Role::Agent => {}
            Role::Customer => add(
                "customer_id = ?",
                viewer.customer_id.map_or(0, |c| c.0),
                &mut conds,
            ),
            Role::Vendor => add(
                "line = 4 AND id IN (SELECT ticket_id FROM vendor_escalations WHERE contact_id = ?)",
                viewer.user_id.0,
                &mut conds,
            ),
        }
        if let Some(c) = filter.customer_id {
            add("customer_id = ?", c.0, &mut conds);
        }
        if let Some(c) = filter.class {
            add("class = ?", i64::from(c.number()), &mut conds);
        }
        if let Some(l) = filter.line {
            add("line = ?", i64::from(l.number()), &mut conds);
        }
        if let Some(q) = filter.needs_qualification {
            add("needs_qualification = ?", i64::from(q), &mut conds);
        }
        if let Some(g) = filter.group_id {
            add("group_id = ?", g, &mut conds);
        }
        if let Some(a) = filter.assignee_id {
            add("assignee_id = ?", a.0, &mut conds);
        }
        match filter.breached {
            Some(true) => add("next_due_at < ?", to_db(now), &mut conds),
            Some(false) => add(
                "(next_due_at IS NULL OR next_due_at >= ?)",
                to_db(now),
                &mut conds,
            ),
            None => {}
        }
        if let Some(t) = filter.due_before {
            add("next_due_at < ?", to_db(t), &mut conds);
        }
        match filter.unassigned {
            Some(true) => conds.push("assignee_id IS NULL".to_owned()),
            Some(false) => conds.push("assignee_id IS NOT NULL".to_owned()),
            None => {}
        }
        match filter.active {
            // Spelled as in the partial index's condition, so that SQLite picks it.
            Some(true) => conds.push("status NOT IN ('resolved', 'closed')".to_owned()),
            Some(false) => conds.push("status IN ('resolved', 'closed')".to_owned()),
            None => {}
        }
        if let Some(t) = filter.opened_from {
            add("opened_at >= ?", to_db(t), &mut conds);
        }
        if let Some(t) = filter.opened_before {
            add("opened_at < ?", to_db(t), &mut conds);
        }
        if let Some(s) = filter.status {
            text_binds.push((binds.len() + 1, s.as_str().to_owned()));
            conds.push(format!("status = ${}", binds.len() + text_binds.len()));
        }
        if let Some(text) = &filter.text
            && let Some((cond, q)) = crate::search::condition(
                self.backend(),
                viewer,
                text,
                binds.len() + text_binds.len() + 1,
            )
        {
            text_binds.push((0, q));
            conds.push(cond);
        }
        let where_ = if conds.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conds.join(" AND "))
        };
        let n = binds.len() + text_binds.len();
        let list_sql = format!(
            "SELECT {COLUMNS} FROM tickets{where_} ORDER BY COALESCE(next_due_at, 9223372036854775807), id LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        let count_sql = format!("SELECT COUNT(*) AS n FROM tickets{where_}");
        let mut list = sqlx::query(own_sql(list_sql.clone()));
        let mut count = sqlx::query(own_sql(count_sql.clone()));
        for b in &binds {
            list = list.bind(*b);
            count = count.bind(*b);
        }
        for (_, t) in &text_binds {
            list = list.bind(t.clone());
            count = count.bind(t.clone());
        }
        let limit = filter.limit.clamp(1, 200);
        // One more than asked tells whether there is a next page without counting.
        let mut rows = list
            .bind(limit + 1)
            .bind(filter.offset.max(0))
            .fetch_all(&self.pool)
            .await?;
        let has_more = i64::try_from(rows.len()).unwrap_or(i64::MAX) > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(200));
        let total = if filter.count {
            Some(count.fetch_one(&self.pool).await?.try_get("n")?)
        } else {
            None
        };
        Ok(TicketPage {
            items: rows.iter().map(ticket).collect::<Result<_, _>>()?,
            has_more,
            total,
        })
    }
}

/// Adds the condition a confined viewer needs, as parameter `$n`: a customer user sees its
/// organisation's tickets, a vendor contact the line-4 tickets shared with it (the share ends when
/// the ticket leaves line 4, see `move_line`; the line condition holds even for a stale share).
pub(super) fn scoped(sql: &str, viewer: &Viewer, n: usize) -> (String, Option<i64>) {
    match viewer.role {
        Role::Admin | Role::Agent => (sql.to_owned(), None),
        Role::Customer => (
            format!("{sql} AND customer_id = ${n}"),
            Some(viewer.customer_id.map_or(0, |c| c.0)),
        ),
        Role::Vendor => (
            format!(
                "{sql} AND line = 4 AND id IN (SELECT ticket_id FROM vendor_escalations WHERE contact_id = ${n})"
            ),
            Some(viewer.user_id.0),
        ),
    }
}

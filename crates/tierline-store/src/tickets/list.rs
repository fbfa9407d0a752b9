//! The queue: tickets a viewer may see, filtered and ordered by the nearest due clock.

use super::{COLUMNS, TicketFilter, TicketPage, ticket};
use jiff::Timestamp;
use sqlx::Row;

use crate::sql::Sql;
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
        let limit = filter.limit.clamp(1, 200);
        let mut list = Sql::new(format!("SELECT {COLUMNS} FROM tickets"));
        self.filtered(&mut list, viewer, filter, now);
        // One more than asked tells whether there is a next page without counting.
        list.push(" ORDER BY COALESCE(next_due_at, 9223372036854775807), id LIMIT ")
            .bind(limit + 1)
            .push(" OFFSET ")
            .bind(filter.offset.max(0));
        let mut rows = list.query().fetch_all(&self.pool).await?;
        let has_more = i64::try_from(rows.len()).unwrap_or(i64::MAX) > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(200));
        let total = if filter.count {
            let mut count = Sql::new("SELECT COUNT(*) AS n FROM tickets");
            self.filtered(&mut count, viewer, filter, now);
            Some(count.query().fetch_one(&self.pool).await?.try_get("n")?)
        } else {
            None
        };
        Ok(TicketPage {
            items: rows.iter().map(ticket).collect::<Result<_, _>>()?,
            has_more,
            total,
        })
    }

    /// Appends the WHERE clause of a queue: the viewer's scope, then the filter's conditions.
    fn filtered(&self, q: &mut Sql, viewer: &Viewer, filter: &TicketFilter, now: Timestamp) {
        let mut w = Where { q, first: true };
        match viewer.role {
            Role::Admin | Role::Agent => {}
            Role::Customer => {
                w.and()
                    .cond("customer_id = ", viewer.customer_id.map_or(0, |c| c.0), "");
            }
            Role::Vendor => {
                w.and().cond(
                    "line = 4 AND id IN (SELECT ticket_id FROM vendor_escalations WHERE contact_id = ",
                    viewer.user_id.0,
                    ")",
                );
            }
        }
        // Text values among the numbers, on purpose: placeholders follow the binds.
        if let Some(s) = filter.status {
            w.and().cond("status = ", s.as_str(), "");
        }
        if let Some(text) = &filter.text
            && let Some((before, query, after)) =
                crate::search::condition(self.backend(), viewer, text)
        {
            w.and().cond(&before, query, &after);
        }
        if let Some(c) = filter.customer_id {
            w.and().cond("customer_id = ", c.0, "");
        }
        if let Some(c) = filter.class {
            w.and().cond("class = ", i64::from(c.number()), "");
        }
        if let Some(l) = filter.line {
            w.and().cond("line = ", i64::from(l.number()), "");
        }
        if let Some(q) = filter.needs_qualification {
            w.and().cond("needs_qualification = ", i64::from(q), "");
        }
        if let Some(g) = filter.group_id {
            w.and().cond("group_id = ", g, "");
        }
        if let Some(a) = filter.assignee_id {
            w.and().cond("assignee_id = ", a.0, "");
        }
        match filter.breached {
            Some(true) => {
                w.and().cond("next_due_at < ", to_db(now), "");
            }
            Some(false) => {
                w.and()
                    .cond("(next_due_at IS NULL OR next_due_at >= ", to_db(now), ")");
            }
            None => {}
        }
        if let Some(t) = filter.due_before {
            w.and().cond("next_due_at < ", to_db(t), "");
        }
        match filter.unassigned {
            Some(true) => {
                w.and().push("assignee_id IS NULL");
            }
            Some(false) => {
                w.and().push("assignee_id IS NOT NULL");
            }
            None => {}
        }
        match filter.active {
            // Spelled as in the partial index's condition, so that SQLite picks it.
            Some(true) => {
                w.and().push("status NOT IN ('resolved', 'closed')");
            }
            Some(false) => {
                w.and().push("status IN ('resolved', 'closed')");
            }
            None => {}
        }
        if let Some(t) = filter.opened_from {
            w.and().cond("opened_at >= ", to_db(t), "");
        }
        if let Some(t) = filter.opened_before {
            w.and().cond("opened_at < ", to_db(t), "");
        }
    }
}

/// Conditions joined by `AND` after one `WHERE`.
struct Where<'a> {
    q: &'a mut Sql,
    first: bool,
}

impl Where<'_> {
    fn and(&mut self) -> &mut Sql {
        self.q.push(if self.first { " WHERE " } else { " AND " });
        self.first = false;
        self.q
    }
}

/// Appends the condition a confined viewer needs: a customer user sees its organisation's
/// tickets, a vendor contact the line-4 tickets shared with it (the share ends when the ticket
/// leaves line 4, see `move_line`; the line condition holds even for a stale share).
pub(super) fn scope(q: &mut Sql, viewer: &Viewer) {
    match viewer.role {
        Role::Admin | Role::Agent => {}
        Role::Customer => {
            q.cond(
                " AND customer_id = ",
                viewer.customer_id.map_or(0, |c| c.0),
                "",
            );
        }
        Role::Vendor => {
            q.cond(
                " AND line = 4 AND id IN (SELECT ticket_id FROM vendor_escalations WHERE contact_id = ",
                viewer.user_id.0,
                ")",
            );
        }
    }
}

//! Changes to a ticket: replies, status, class, line, group, assignee and class-6 milestones.

use super::{Change, insert_event};
use jiff::Timestamp;
use serde_json::json;
use tierline_domain::Class;
use tierline_domain::sla::ClockKind;
use tierline_domain::ticket::Status;

use crate::customers::non_empty;
use crate::time::to_db;
use crate::{Role, Store, StoreError, Ticket, TicketEvent, TicketId, UserId, Viewer, audit};

impl Store {
    /// A reply (public) or an internal note. The first public reply of an agent meets the
    /// reaction clock and opens a new ticket; a customer's reply brings a ticket waiting for them
    /// back to open.
    pub async fn reply(
        &self,
        viewer: &Viewer,
        id: TicketId,
        body: &str,
        public: bool,
        now: Timestamp,
    ) -> Result<TicketEvent, StoreError> {
        let body = non_empty("body", body, 100_000)?;
        if !public && viewer.role == Role::Customer {
            return Err(StoreError::Forbidden("only agents write internal notes"));
        }
        // What a vendor writes is for the desk, never the customer's timeline.
        let (kind, public) = match (viewer.role, public) {
            (Role::Vendor, _) => ("vendor_note", false),
            (_, true) => ("reply", true),
            (_, false) => ("note", false),
        };
        let (mut tx, mut t, contract) = self.lock(viewer, id).await?;
        if t.status == Status::Closed {
            return Err(StoreError::invalid("status", "the ticket is closed"));
        }
        let ev = insert_event(
            &mut tx,
            id,
            now,
            Some(viewer.user_id),
            &Change {
                kind,
                public,
                data: json!({"body": body}),
            },
        )
        .await?;
        crate::search::index_more(&mut tx, self.backend(), id, &body, public).await?;
        if viewer.is_staff() && public {
            if t.first_response_at.is_none() {
                t.first_response_at = Some(now);
            }
            if t.status == Status::New {
                self.move_status(&mut tx, &mut t, viewer, Status::Open, now, None)
                    .await?;
            }
        } else if viewer.role == Role::Customer && t.status == Status::WaitingForCustomer {
            self.move_status(&mut tx, &mut t, viewer, Status::Open, now, None)
                .await?;
        }
        self.finish(&mut tx, t, &contract, now).await?;
        audit::record(
            &mut tx,
            now,
            Some(viewer.user_id),
            if public {
                "ticket.reply"
            } else {
                "ticket.note"
            },
            &format!("ticket:{id}"),
            &json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(ev)
    }

    /// Moves a ticket to another status. Customers may only reopen a resolved ticket or confirm
    /// it (close). An agent opening a new ticket acknowledges it, which meets the reaction clock.
    pub async fn set_status(
        &self,
        viewer: &Viewer,
        id: TicketId,
        status: Status,
        reason: Option<&str>,
        now: Timestamp,
    ) -> Result<Ticket, StoreError> {
        let (mut tx, mut t, contract) = self.lock(viewer, id).await?;
        if !t.status.can_move_to(status) {
            return Err(StoreError::invalid(
                "status",
                format!(
                    "a ticket cannot move from {} to {}",
                    t.status.as_str(),
                    status.as_str()
                ),
            ));
        }
        let customer_may = viewer.role == Role::Customer
            && t.status == Status::Resolved
            && matches!(status, Status::Open | Status::Closed);
        if !(viewer.is_staff() || customer_may) {
            return Err(StoreError::Forbidden(
                "customers may only reopen or confirm a resolved ticket",
            ));
        }
        // Opening a new ticket is an agent's acknowledgement and meets the reaction clock;
        // reopening a resolved one (monitoring does, when an outage returns) is not.
        let acknowledges = t.status == Status::New && status == Status::Open;
        self.move_status(&mut tx, &mut t, viewer, status, now, reason)
            .await?;
        if viewer.is_staff() && acknowledges && t.first_response_at.is_none() {
            t.first_response_at = Some(now);
        }
        self.commit_change(
            tx,
            t,
            &contract,
            viewer,
            now,
            "ticket.status",
            json!({"status": status}),
        )
        .await
    }

    /// Changes the class, with a reason (agents only); the clocks are re-timed from the original
    /// start under the new class's targets.
    pub async fn set_class(
        &self,
        viewer: &Viewer,
        id: TicketId,
        class: Class,
        reason: &str,
        now: Timestamp,
    ) -> Result<Ticket, StoreError> {
        viewer.require_staff()?;
        let reason = non_empty("reason", reason, 2000)?;
        let (mut tx, mut t, contract) = self.lock(viewer, id).await?;
        // Confirming the class of a ticket the classifier was unsure of is a qualification too.
        if t.class == class && !t.needs_qualification {
            return Err(StoreError::invalid(
                "class",
                "the ticket already has this class",
            ));
        }
        insert_event(
            &mut tx,
            id,
            now,
            Some(viewer.user_id),
            &Change {
                kind: "class",
                public: false,
                data: json!({"from": t.class, "to": class, "reason": reason, "qualified": t.needs_qualification}),
            },
        )
        .await?;
        // Every agent's decision on a class teaches the classifier.
        sqlx::query("INSERT INTO classifier_examples (subject, body, class, ticket_id, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&t.subject)
            .bind(&t.description)
            .bind(i64::from(class.number()))
            .bind(id.0)
            .bind(to_db(now))
            .execute(&mut *tx)
            .await?;
        t.class = class;
        t.needs_qualification = false;
        self.commit_change(
            tx,
            t,
            &contract,
            viewer,
            now,
            "ticket.class",
            json!({"class": class}),
        )
        .await
    }

    /// Escalates (`up`) or de-escalates a ticket one line, with a reason (agents only); never past
    /// the contract's last line.
    pub async fn move_line(
        &self,
        viewer: &Viewer,
        id: TicketId,
        up: bool,
        reason: &str,
        now: Timestamp,
    ) -> Result<Ticket, StoreError> {
        viewer.require_staff()?;
        let reason = non_empty("reason", reason, 2000)?;
        let (mut tx, mut t, contract) = self.lock(viewer, id).await?;
        let to = if up {
            t.line.escalate(contract.terms().lines)
        } else {
            t.line.deescalate()
        }
        .map_err(|e| StoreError::invalid("line", e.to_string()))?;
        insert_event(
            &mut tx,
            id,
            now,
            Some(viewer.user_id),
            &Change {
                kind: "line",
                public: false,
                data: json!({"from": t.line, "to": to, "reason": reason}),
            },
        )
        .await?;
        if t.line.number() == 4 && to.number() != 4 {
            crate::vendor::end_share(&mut tx, id, viewer.user_id, now).await?;
        }
        t.line = to;
        self.commit_change(
            tx,
            t,
            &contract,
            viewer,
            now,
            if up {
                "ticket.escalate"
            } else {
                "ticket.deescalate"
            },
            json!({"line": to}),
        )
        .await
    }

    /// Gives a ticket to a group, or takes it away from one (agents only).
    pub async fn assign_group(
        &self,
        viewer: &Viewer,
        id: TicketId,
        group: Option<i64>,
        now: Timestamp,
    ) -> Result<Ticket, StoreError> {
        viewer.require_staff()?;
        if let Some(g) = group {
            match self.group(viewer, g).await {
                Err(StoreError::NotFound) => {
                    return Err(StoreError::invalid("group_id", "no such group"));
                }
                other => {
                    other?;
                }
            }
        }
        let (mut tx, mut t, _) = self.lock(viewer, id).await?;
        insert_event(
            &mut tx,
            id,
            now,
            Some(viewer.user_id),
            &Change {
                kind: "group",
                public: false,
                data: json!({"from": t.group_id, "to": group}),
            },
        )
        .await?;
        sqlx::query("UPDATE tickets SET group_id = $1, updated_at = $2 WHERE id = $3")
            .bind(group)
            .bind(to_db(now))
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            now,
            Some(viewer.user_id),
            "ticket.group",
            &format!("ticket:{id}"),
            &json!({"group_id": group}),
        )
        .await?;
        tx.commit().await?;
        t.group_id = group;
        t.updated_at = now;
        Ok(t)
    }

    /// Assigns a ticket to an agent, or unassigns it (agents only).
    pub async fn assign(
        &self,
        viewer: &Viewer,
        id: TicketId,
        assignee: Option<UserId>,
        now: Timestamp,
    ) -> Result<Ticket, StoreError> {
        viewer.require_staff()?;
        if let Some(a) = assignee {
            let u = self.user_unscoped(a).await?;
            if !u.is_some_and(|u| matches!(u.role, Role::Agent | Role::Admin) && !u.disabled) {
                return Err(StoreError::invalid("assignee_id", "no such agent"));
            }
        }
        let (mut tx, mut t, contract) = self.lock(viewer, id).await?;
        insert_event(
            &mut tx,
            id,
            now,
            Some(viewer.user_id),
            &Change {
                kind: "assignee",
                public: false,
                data: json!({"from": t.assignee_id, "to": assignee}),
            },
        )
        .await?;
        t.assignee_id = assignee;
        self.commit_change(
            tx,
            t,
            &contract,
            viewer,
            now,
            "ticket.assign",
            json!({"assignee_id": assignee}),
        )
        .await
    }

    /// Class 6: records that the specification was agreed (starting the work-start clock) or that
    /// work started (stopping it). Agents only.
    pub async fn mark_class6(
        &self,
        viewer: &Viewer,
        id: TicketId,
        kind: ClockKind,
        now: Timestamp,
    ) -> Result<Ticket, StoreError> {
        viewer.require_staff()?;
        let (mut tx, mut t, contract) = self.lock(viewer, id).await?;
        if t.class.number() != 6 {
            return Err(StoreError::invalid(
                "class",
                "only class 6 requests have a work-start clock",
            ));
        }
        let what = match kind {
            ClockKind::WorkStart if t.spec_agreed_at.is_none() => {
                t.spec_agreed_at = Some(now);
                "spec_agreed"
            }
            ClockKind::WorkStart if t.work_started_at.is_none() => {
                t.work_started_at = Some(now);
                "work_started"
            }
            _ => {
                return Err(StoreError::invalid(
                    "milestone",
                    "the specification is agreed and work has started already",
                ));
            }
        };
        insert_event(
            &mut tx,
            id,
            now,
            Some(viewer.user_id),
            &Change {
                kind: "milestone",
                public: true,
                data: json!({"milestone": what}),
            },
        )
        .await?;
        self.commit_change(
            tx,
            t,
            &contract,
            viewer,
            now,
            "ticket.milestone",
            json!({"milestone": what}),
        )
        .await
    }
}

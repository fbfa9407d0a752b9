//! The per-command changes to a ticket, each a wrapper around [`Store::execute`] kept so that
//! every caller compiles unchanged until the desk calls the executor itself.

use jiff::Timestamp;
use tierline_domain::Class;
use tierline_domain::sla::ClockKind;
use tierline_domain::ticket::Status;
use tierline_domain::workflow::{Command, Milestone};

use crate::{Store, StoreError, Ticket, TicketEvent, TicketId, UserId, Viewer};

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
        let body = body.to_owned();
        self.execute(viewer, id, Command::Reply { body, public }, now)
            .await?
            .events
            .into_iter()
            .next()
            .ok_or_else(|| StoreError::Corrupt("a reply wrote no event".to_owned()))
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
        let reason = reason.map(str::to_owned);
        let c = Command::Status { to: status, reason };
        Ok(self.execute(viewer, id, c, now).await?.ticket)
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
        let reason = reason.to_owned();
        let c = Command::Reclassify { class, reason };
        Ok(self.execute(viewer, id, c, now).await?.ticket)
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
        let reason = reason.to_owned();
        let c = if up {
            Command::Escalate { reason }
        } else {
            Command::Deescalate { reason }
        };
        Ok(self.execute(viewer, id, c, now).await?.ticket)
    }

    /// Gives a ticket to a group, or takes it away from one (agents only).
    pub async fn assign_group(
        &self,
        viewer: &Viewer,
        id: TicketId,
        group: Option<i64>,
        now: Timestamp,
    ) -> Result<Ticket, StoreError> {
        let c = Command::Group { group };
        Ok(self.execute(viewer, id, c, now).await?.ticket)
    }

    /// Assigns a ticket to an agent, or unassigns it (agents only).
    pub async fn assign(
        &self,
        viewer: &Viewer,
        id: TicketId,
        assignee: Option<UserId>,
        now: Timestamp,
    ) -> Result<Ticket, StoreError> {
        let c = Command::Assign { assignee };
        Ok(self.execute(viewer, id, c, now).await?.ticket)
    }

    /// Class 6: records the next milestone: that the specification was agreed (starting the
    /// work-start clock) or that work started (stopping it). Agents only.
    ///
    /// The milestone is named from the ticket as read before the change; should another request
    /// reach that milestone first, the executor refuses this one rather than record the next
    /// (callers that know which milestone they mean execute `Command::Milestone` directly).
    pub async fn mark_class6(
        &self,
        viewer: &Viewer,
        id: TicketId,
        kind: ClockKind,
        now: Timestamp,
    ) -> Result<Ticket, StoreError> {
        if kind != ClockKind::WorkStart {
            return Err(StoreError::invalid(
                "milestone",
                "only the work-start clock has milestones",
            ));
        }
        let t = self.ticket(viewer, id).await?;
        let next = if t.spec_agreed_at.is_none() {
            Milestone::SpecAgreed
        } else {
            Milestone::WorkStarted
        };
        Ok(self
            .execute(viewer, id, Command::Milestone(next), now)
            .await?
            .ticket)
    }
}

//! The read models the pages and the API show: the queue, a ticket with its clocks, its
//! timeline, attachments, vendor block and time entries. Thin where nothing more is needed.

use crate::prelude::*;

impl Desk {
    /// One ticket, if the viewer may see it.
    pub async fn ticket(&self, viewer: &Viewer, id: TicketId) -> Result<Ticket, DeskError> {
        Ok(self.store.ticket(viewer, id).await?)
    }

    /// The timeline; customer users see only its public entries.
    pub async fn ticket_events(
        &self,
        viewer: &Viewer,
        id: TicketId,
    ) -> Result<Vec<TicketEvent>, DeskError> {
        Ok(self.store.ticket_events(viewer, id).await?)
    }

    /// A ticket with its clocks evaluated at `now`.
    pub async fn ticket_with_clocks(
        &self,
        viewer: &Viewer,
        id: TicketId,
        now: Timestamp,
    ) -> Result<(Ticket, Vec<TicketClock>), DeskError> {
        Ok(self.store.ticket_with_clocks(viewer, id, now).await?)
    }

    /// Tickets the viewer may see, nearest due first, then oldest.
    pub async fn tickets(
        &self,
        viewer: &Viewer,
        filter: &TicketFilter,
        now: Timestamp,
    ) -> Result<TicketPage, DeskError> {
        Ok(self.store.tickets(viewer, filter, now).await?)
    }

    /// Time logged on a ticket (staff only: it is internal).
    pub async fn time_entries(
        &self,
        viewer: &Viewer,
        id: TicketId,
    ) -> Result<Vec<TimeEntry>, DeskError> {
        Ok(self.store.time_entries(viewer, id).await?)
    }

    /// The vendor block, for staff and for the vendor contact it is shared with (while the ticket
    /// is on line 4: the ticket's scope says so).
    pub async fn vendor(
        &self,
        viewer: &Viewer,
        id: TicketId,
    ) -> Result<Option<VendorBlock>, DeskError> {
        Ok(self.store.vendor(viewer, id).await?)
    }

    /// A ticket's attachments the viewer may see.
    pub async fn attachments(
        &self,
        viewer: &Viewer,
        ticket_id: TicketId,
    ) -> Result<Vec<Attachment>, DeskError> {
        Ok(self.store.attachments(viewer, ticket_id).await?)
    }

    /// One attachment with its bytes, if the viewer may see it.
    pub async fn attachment(
        &self,
        viewer: &Viewer,
        id: i64,
    ) -> Result<(Attachment, Vec<u8>), DeskError> {
        Ok(self.store.attachment(viewer, id).await?)
    }

    /// The clocks of a page of tickets the caller already holds (a queue), evaluated at `now`:
    /// one query for all their status changes, contracts from the cache. In the order given.
    pub async fn clocks_of(
        &self,
        tickets: &[Ticket],
        now: Timestamp,
    ) -> Result<Vec<Vec<TicketClock>>, DeskError> {
        Ok(self.store.clocks_of(tickets, now).await?)
    }

    /// The rules, in order; `None` if they were never set (the shipped ones apply then).
    pub async fn classifier_rules(&self) -> Result<Option<Vec<StoredRule>>, DeskError> {
        Ok(self.store.classifier_rules().await?)
    }
}

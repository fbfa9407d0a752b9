//! Changing a ticket: one entry for every command, whichever front-end sent it, so that what
//! follows a change (retraining after a class correction) happens for all of them.
//!
//! The rules are the domain's (`decide`), executed by the store in one transaction
//! (`Store::execute`); the desk adds what follows a change outside the ticket.

use jiff::Timestamp;
use tierline_domain::workflow::{Command, VendorBlock};
use tierline_store::{Attachment, Ticket, TicketEvent, TicketId, TimeEntry, Viewer};

use crate::{Desk, DeskError};

/// What a change made: the ticket after it, and what its command produced.
#[derive(Clone, Debug)]
pub struct Changed {
    /// The ticket after the change.
    pub ticket: Ticket,
    /// The timeline entry a reply or a note made.
    pub event: Option<TicketEvent>,
    /// The files an attach stored.
    pub attachments: Vec<Attachment>,
    /// The time entry logged.
    pub time_entry: Option<TimeEntry>,
    /// The vendor block as recorded.
    pub vendor: Option<VendorBlock>,
}

impl Desk {
    /// Changes ticket `id` as `actor` asks; after a class correction the classifier learns
    /// from it at once, whichever front-end sent it.
    pub async fn change(
        &self,
        actor: &Viewer,
        id: TicketId,
        command: Command,
        now: Timestamp,
    ) -> Result<Changed, DeskError> {
        let reclassify = matches!(command, Command::Reclassify { .. });
        let done = self.store.execute(actor, id, command, now).await?;
        if reclassify {
            // The correction is a training example now: learn from it.
            self.classifier.retrain(self.store.clone());
        }
        let changed = Changed {
            ticket: done.ticket,
            // A reply's own entry comes first; a status move it caused may follow.
            event: done.events.into_iter().next(),
            attachments: done.attachments,
            time_entry: done.time_entry,
            vendor: done.vendor,
        };
        Ok(changed)
    }
}

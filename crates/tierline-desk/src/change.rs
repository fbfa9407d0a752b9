//! Changing a ticket: one entry for every command, whichever front-end sent it, so that what
//! follows a change (retraining after a class correction) happens for all of them.
//!
//! Until the store's one executor lands, each command goes to the store's method for it; the
//! integrator replaces the `match` below by `Store::execute`.

use jiff::Timestamp;
use tierline_domain::sla::ClockKind;
use tierline_domain::workflow::{Command, Milestone, VendorBlock};
use tierline_store::{Attachment, NewAttachment, Ticket, TicketEvent, TicketId, TimeEntry, Viewer};

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

impl Changed {
    fn ticket(ticket: Ticket) -> Changed {
        Changed {
            ticket,
            event: None,
            attachments: Vec::new(),
            time_entry: None,
            vendor: None,
        }
    }
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
        let s = &self.store;
        let changed = match command {
            Command::Reply { body, public } => {
                let event = s.reply(actor, id, &body, public, now).await?;
                Changed {
                    event: Some(event),
                    ..Changed::ticket(s.ticket(actor, id).await?)
                }
            }
            Command::Status { to, reason } => {
                Changed::ticket(s.set_status(actor, id, to, reason.as_deref(), now).await?)
            }
            Command::Reclassify { class, reason } => {
                let t = s.set_class(actor, id, class, &reason, now).await?;
                // The correction is a training example now: learn from it.
                self.classifier.retrain(s.clone());
                Changed::ticket(t)
            }
            Command::Escalate { reason } => {
                Changed::ticket(s.move_line(actor, id, true, &reason, now).await?)
            }
            Command::Deescalate { reason } => {
                Changed::ticket(s.move_line(actor, id, false, &reason, now).await?)
            }
            Command::Assign { assignee } => {
                Changed::ticket(s.assign(actor, id, assignee, now).await?)
            }
            Command::Group { group } => {
                Changed::ticket(s.assign_group(actor, id, group, now).await?)
            }
            Command::Milestone(m) => {
                // The two milestones come in order; asking for the wrong one says so instead
                // of guessing. (Checked outside the store's transaction until the executor
                // decides it inside.)
                let current = s.ticket(actor, id).await?;
                let expected = if current.spec_agreed_at.is_none() {
                    Milestone::SpecAgreed
                } else {
                    Milestone::WorkStarted
                };
                if m != expected {
                    return Err(DeskError::invalid(
                        "milestone",
                        "the specification is agreed first, then work starts",
                    ));
                }
                Changed::ticket(s.mark_class6(actor, id, ClockKind::WorkStart, now).await?)
            }
            Command::Vendor(block) => {
                let vendor = s.set_vendor(actor, id, block, now).await?;
                Changed {
                    vendor: Some(vendor),
                    ..Changed::ticket(s.ticket(actor, id).await?)
                }
            }
            Command::Attach { files } => {
                let files: Vec<NewAttachment<'_>> = files
                    .iter()
                    .map(|f| NewAttachment {
                        file_name: &f.file_name,
                        content_type: &f.content_type,
                        bytes: &f.bytes,
                        public: f.public,
                    })
                    .collect();
                let attachments = s.attach_all(actor, id, &files, now).await?;
                Changed {
                    attachments,
                    ..Changed::ticket(s.ticket(actor, id).await?)
                }
            }
            Command::LogTime(entry) => {
                let e = s.log_time(actor, id, entry, now).await?;
                Changed {
                    time_entry: Some(e),
                    ..Changed::ticket(s.ticket(actor, id).await?)
                }
            }
        };
        Ok(changed)
    }
}

//! Opening a request, from any channel: the API, the portal, an agent typing in a phone call,
//! and next the mail channel. A request without a class is classified here (the one place);
//! the ticket and its files are stored in one transaction, so a refused file leaves no ticket.
//!
//! Monitoring's incidents open their tickets inside the store's alert transaction
//! (`Store::record_alert`, `incidents/`), where the incident, its ticket and its dedup key
//! must commit together; they reach the desk through [`Desk::record_alert`]. Still to do: that
//! path as an `open_request` with `Channel::Monitoring` and a fixed class, run inside the alert's
//! transaction, so monitoring is one more channel here rather than a path of its own.

use jiff::{SignedDuration, Timestamp};
use tierline_domain::Class;
use tierline_domain::ticket::Channel;
use tierline_domain::workflow::NewFile;
use tierline_store::{Attachment, CustomerId, NewAttachment, NewTicket, SystemId, Ticket, Viewer};

use crate::{Desk, DeskError};

/// A request as a channel received it, before classification.
#[derive(Clone, Debug)]
pub struct NewRequest {
    /// The organisation; customer users leave it out (it is theirs).
    pub customer_id: Option<CustomerId>,
    /// The system concerned.
    pub system_id: Option<SystemId>,
    /// Subject line.
    pub subject: String,
    /// What is wrong.
    pub description: String,
    /// Where it came from.
    pub channel: Channel,
    /// The class, when an agent or an integration knows it; classified when `None`.
    pub class: Option<Class>,
    /// When it arrived, if earlier than now (agents only).
    pub opened_at: Option<Timestamp>,
    /// An individual reaction target (agents only).
    pub individual_reaction: Option<SignedDuration>,
    /// An individual resolution target (agents only).
    pub individual_resolution: Option<SignedDuration>,
    /// Files sent with it, kept with the ticket or not at all.
    pub files: Vec<NewFile>,
    /// A retry-safe key and a fingerprint of the request (the API's `Idempotency-Key`).
    pub idempotency: Option<(String, String)>,
}

impl NewRequest {
    /// A request with only what every channel has.
    pub fn new(channel: Channel, subject: String, description: String) -> NewRequest {
        NewRequest {
            customer_id: None,
            system_id: None,
            subject,
            description,
            channel,
            class: None,
            opened_at: None,
            individual_reaction: None,
            individual_resolution: None,
            files: Vec::new(),
            idempotency: None,
        }
    }
}

/// What opening a request made.
#[derive(Clone, Debug)]
pub struct Opened {
    /// The ticket.
    pub ticket: Ticket,
    /// Whether it was made by an earlier request with the same idempotency key.
    pub replayed: bool,
    /// The files stored with it.
    pub attachments: Vec<Attachment>,
}

impl Desk {
    /// Opens a request on line 1 with its clocks started, classified when no class is given,
    /// with its files in the same transaction.
    pub async fn open_request(
        &self,
        actor: &Viewer,
        new: NewRequest,
        now: Timestamp,
    ) -> Result<Opened, DeskError> {
        // A customer's request is classified on arrival: a class or targets of their own
        // choosing would skip qualification (as a back-dated `opened_at` would skip the clocks).
        if !actor.is_staff() {
            for (field, given) in [
                ("class", new.class.is_some()),
                (
                    "individual_reaction_minutes",
                    new.individual_reaction.is_some(),
                ),
                (
                    "individual_resolution_minutes",
                    new.individual_resolution.is_some(),
                ),
            ] {
                if given {
                    return Err(DeskError::invalid(
                        field,
                        "only agents may set this; a customer's request is classified on arrival",
                    ));
                }
            }
        }
        // A class the caller gives (an agent typing in a call, an integration that knows) is
        // already a qualification and is taken as it is, off the classifier's CPU; without
        // one, below the threshold the request waits on line 1 for qualification.
        let (class, auto_class) = match new.class {
            Some(class) => (class, None),
            None => {
                let auto = self
                    .classifier
                    .classify(&self.store, &new.subject, &new.description)
                    .await?;
                (auto.class, Some(auto))
            }
        };
        let files: Vec<NewAttachment<'_>> = new
            .files
            .iter()
            .map(|f| NewAttachment {
                file_name: &f.file_name,
                content_type: &f.content_type,
                bytes: &f.bytes,
                public: f.public,
            })
            .collect();
        let ticket = NewTicket {
            customer_id: new.customer_id,
            system_id: new.system_id,
            subject: new.subject.clone(),
            description: new.description.clone(),
            channel: new.channel,
            class,
            opened_at: new.opened_at,
            individual_reaction: new.individual_reaction,
            individual_resolution: new.individual_resolution,
            auto_class,
        };
        let idempotency = new
            .idempotency
            .as_ref()
            .map(|(k, h)| (k.as_str(), h.as_str()));
        let (ticket, replayed, attachments) = self
            .store
            .create_ticket_with_files(actor, ticket, &files, now, idempotency)
            .await?;
        // The front-end's request span declares the field; a new ticket is named only now.
        tracing::Span::current().record("ticket_id", ticket.id.0);
        Ok(Opened {
            ticket,
            replayed,
            attachments,
        })
    }
}

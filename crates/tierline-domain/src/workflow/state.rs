//! What a decision needs to know of a ticket, and what it decides: the events to append, the
//! ticket after, and the records the executor writes beside them.

use jiff::Timestamp;

use super::command::{Milestone, VendorBlock};
use super::event::Event;
use crate::Class;
use crate::ids::{CustomerId, UserId};
use crate::ticket::{Line, Status};

/// A ticket as the rules see it, with what the executor looked up for the command in the same
/// transaction (the rules never reach the database).
#[derive(Clone, Debug, PartialEq)]
pub struct TicketState {
    /// Whose ticket.
    pub customer: CustomerId,
    /// Its status.
    pub status: Status,
    /// Its class.
    pub class: Class,
    /// Its line.
    pub line: Line,
    /// Who works it.
    pub assignee: Option<UserId>,
    /// Its group.
    pub group: Option<i64>,
    /// Whether the classifier was unsure of its class.
    pub needs_qualification: bool,
    /// When the desk first reacted.
    pub first_response_at: Option<Timestamp>,
    /// When it was resolved, while it is.
    pub resolved_at: Option<Timestamp>,
    /// Class 6: when the specification was agreed.
    pub spec_agreed_at: Option<Timestamp>,
    /// Class 6: when work started.
    pub work_started_at: Option<Timestamp>,
    /// The vendor block, when one is recorded.
    pub vendor: Option<VendorBlock>,
    /// What the executor looked up for the command.
    pub lookups: Lookups,
}

/// Facts about other records a command names, found by the executor before deciding.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lookups {
    /// `Assign(Some(u))`: `u` is an enabled agent or administrator.
    pub assignee_is_agent: bool,
    /// `Group(Some(g))`: the group exists.
    pub group_exists: bool,
    /// `Vendor` with a contact: the contact is a vendor user.
    pub contact_is_vendor: bool,
}

/// What a command does to a ticket.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    /// The timeline entries to append, in order. Attachments' entries are not here: they name
    /// the attachment's id, which only storing it gives (see [`Effect::StoreFiles`]).
    pub events: Vec<Event>,
    /// The ticket after.
    pub state: TicketState,
    /// Records to write beside the events, in order.
    pub effects: Vec<Effect>,
    /// The audit entry's action (`ticket.reply`, `ticket.status`, …).
    pub action: &'static str,
    /// The audit entry's detail.
    pub audit: serde_json::Value,
}

/// A record a decision asks the executor to write.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Make text findable by search (replies to everyone, notes to staff only).
    Index {
        /// The text.
        text: String,
        /// Whether customers find it.
        public: bool,
    },
    /// Teach the classifier the ticket's class (an agent decided it).
    Train {
        /// The class decided.
        class: Class,
    },
    /// End the vendor contact's share (the contact no longer sees the ticket).
    EndVendorShare,
    /// Record the vendor block.
    StoreVendor(VendorBlock),
    /// Record logged time.
    StoreTime(CheckedTime),
    /// Store files, each with its timeline entry and audit entry, within the customer's quota.
    StoreFiles(Vec<CheckedFile>),
}

/// Time to log, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedTime {
    /// Minutes, 1–1440.
    pub minutes: i64,
    /// What was done, trimmed.
    pub note: String,
    /// Whether it counts as consultation.
    pub consultation: bool,
    /// When the work was done, not in the future.
    pub worked_at: Timestamp,
}

/// A file to store, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CheckedFile {
    /// A safe name: no path, no control characters, bounded.
    pub file_name: String,
    /// The type given, visible ASCII only.
    pub content_type: String,
    /// The bytes, not empty, at most [`super::MAX_ATTACHMENT_BYTES`].
    pub bytes: Vec<u8>,
    /// Whether the customer sees it.
    pub public: bool,
}

impl TicketState {
    /// The milestone a class-6 request reaches next, if any.
    pub fn next_milestone(&self) -> Option<Milestone> {
        match (self.spec_agreed_at, self.work_started_at) {
            (None, _) => Some(Milestone::SpecAgreed),
            (Some(_), None) => Some(Milestone::WorkStarted),
            (Some(_), Some(_)) => None,
        }
    }
}

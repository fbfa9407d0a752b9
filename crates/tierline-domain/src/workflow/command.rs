//! What an actor asks to be done to a ticket: one value per use case, whichever front-end
//! (API, pages, mail, monitoring) it came through.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::Class;
use crate::ids::UserId;
use crate::ticket::Status;

/// A change to one ticket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Command {
    /// A reply (public) or an internal note (not public).
    Reply {
        /// What is said.
        body: String,
        /// Whether the customer sees it.
        public: bool,
    },
    /// A move to another status, with an optional reason.
    Status {
        /// The status to move to.
        to: Status,
        /// Why, when given.
        reason: Option<String>,
    },
    /// A class correction, with a reason; it re-times the clocks and teaches the classifier.
    Reclassify {
        /// The new class.
        class: Class,
        /// Why.
        reason: String,
    },
    /// Up one support line, with a reason.
    Escalate {
        /// Why.
        reason: String,
    },
    /// Down one support line, with a reason.
    Deescalate {
        /// Why.
        reason: String,
    },
    /// A new assignee, or none.
    Assign {
        /// The agent, or `None` to unassign.
        assignee: Option<UserId>,
    },
    /// A new group, or none.
    Group {
        /// The group, or `None`.
        group: Option<i64>,
    },
    /// A class-6 milestone.
    Milestone(Milestone),
    /// The vendor block of a line-4 ticket.
    Vendor(VendorBlock),
    /// Files added to the ticket.
    Attach {
        /// The files, all stored or none.
        files: Vec<NewFile>,
    },
    /// Time worked on the ticket.
    LogTime(NewTimeEntry),
}

/// The two milestones of a class-6 request: the work-start clock runs between them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Milestone {
    /// The specification is agreed: the work-start clock starts.
    SpecAgreed,
    /// Work has started: the work-start clock stops.
    WorkStarted,
}

impl Milestone {
    /// The name stored on the timeline and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Milestone::SpecAgreed => "spec_agreed",
            Milestone::WorkStarted => "work_started",
        }
    }
}

/// A file to attach, as received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewFile {
    /// The name it was uploaded with (a path is cut to its last part when stored).
    pub file_name: String,
    /// The type the sender gave.
    pub content_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// Whether the customer sees it (always, for a customer's own file).
    pub public: bool,
}

/// The vendor block of a line-4 ticket.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VendorBlock {
    /// Who the ticket is escalated to (a hoster, a software vendor).
    pub vendor: String,
    /// Their reference for it.
    #[serde(default)]
    pub external_ref: Option<String>,
    /// Their status, in their words.
    #[serde(default)]
    pub vendor_status: Option<String>,
    /// What they promised.
    #[serde(default)]
    pub promise: Option<String>,
    /// By when they promised it.
    #[serde(default)]
    pub promised_by: Option<Timestamp>,
    /// The vendor contact (a user with the vendor role) the ticket is shared with.
    #[serde(default)]
    pub contact_id: Option<UserId>,
}

/// Time to log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NewTimeEntry {
    /// Minutes worked, 1–1440.
    pub minutes: i64,
    /// What was done.
    pub note: String,
    /// Consultation or not; `None` takes the ticket's class (6 is consultation).
    pub consultation: Option<bool>,
    /// When the work was done; now if `None`.
    pub worked_at: Option<Timestamp>,
}

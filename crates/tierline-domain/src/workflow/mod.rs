//! The ticket workflow: who acts ([`Actor`]), what they ask for ([`Command`]), and why a request
//! is refused ([`Refusal`]). Pure, so the permission and workflow rules are tested without a
//! database; the store executes what is decided here.

mod actor;
mod command;
mod decide;
pub mod event;
pub mod input;
mod records;
mod state;

pub use actor::{Actor, Role};
pub use command::{Command, Milestone, NewFile, NewTimeEntry, VendorBlock};
pub use decide::{decide, prepare};
pub use event::{Event, EventError};
pub use input::MAX_ATTACHMENT_BYTES;
pub use state::{CheckedFile, CheckedTime, Decision, Effect, Lookups, TicketState};

/// Why a command is refused, in terms every front-end can map.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// The actor may see the ticket but not do this to it.
    #[error("not allowed: {0}")]
    Forbidden(&'static str),
    /// A value that breaks a rule, with the field it belongs to (as named in the API).
    #[error("{field}: {message}")]
    Invalid {
        /// The field.
        field: &'static str,
        /// What is wrong.
        message: String,
    },
}

impl Refusal {
    /// A value that breaks a rule.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> Refusal {
        Refusal::Invalid {
            field,
            message: message.into(),
        }
    }
}

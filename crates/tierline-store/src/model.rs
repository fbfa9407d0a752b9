//! What the store hands out: identifiers and records, serialisable as the API shows them.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;
use tierline_domain::Class;
use tierline_domain::contract::ContractTerms;
use tierline_domain::ticket::{Channel, Line, Status};

use crate::viewer::Role;

pub use tierline_domain::ids::{
    ContractVersionId, CustomerId, EventId, SystemId, TicketId, TokenId, UserId,
};

/// A customer organisation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Customer {
    /// Its id.
    pub id: CustomerId,
    /// Its name, unique.
    pub name: String,
    /// When it was recorded.
    pub created_at: Timestamp,
}

/// A system the contractor supports for a customer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct System {
    /// Its id.
    pub id: SystemId,
    /// Whose it is.
    pub customer_id: CustomerId,
    /// Its name, unique per customer.
    pub name: String,
    /// Built by us (99.5 % guarantee) or third-party (99 %).
    pub built_by_us: bool,
    /// Where it lives, if given.
    pub url: Option<String>,
    /// When it was recorded.
    pub created_at: Timestamp,
}

/// One version of a customer's contract.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContractVersion {
    /// Its id.
    pub id: ContractVersionId,
    /// Whose contract.
    pub customer_id: CustomerId,
    /// The local date from which it is in force.
    pub effective_from: Date,
    /// What it says.
    pub terms: ContractTerms,
    /// When it was recorded.
    pub created_at: Timestamp,
}

/// A user, without secrets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct User {
    /// Its id.
    pub id: UserId,
    /// Sign-in address, unique.
    pub email: String,
    /// Display name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Organisation, for customer users.
    pub customer_id: Option<CustomerId>,
    /// Support lines, for agents.
    pub lines: Vec<Line>,
    /// Whether sign-in and tokens are refused.
    pub disabled: bool,
    /// When it was created.
    pub created_at: Timestamp,
}

/// An API token as listed: never its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenInfo {
    /// Its id.
    pub id: TokenId,
    /// Whose it is.
    pub user_id: UserId,
    /// What it is for.
    pub name: String,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it was revoked.
    pub revoked_at: Option<Timestamp>,
}

/// A ticket as stored, with the denormalised nearest due time queues sort by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ticket {
    /// Its id.
    pub id: TicketId,
    /// Whose request.
    pub customer_id: CustomerId,
    /// Which system, if known.
    pub system_id: Option<SystemId>,
    /// The contract version in force when it was opened.
    pub contract_version_id: ContractVersionId,
    /// Subject line.
    pub subject: String,
    /// What the customer wrote.
    pub description: String,
    /// Where it came from.
    pub channel: Channel,
    /// Its class.
    pub class: Class,
    /// Its support line.
    pub line: Line,
    /// Its status.
    pub status: Status,
    /// The agent working on it.
    pub assignee_id: Option<UserId>,
    /// The group it is given to.
    pub group_id: Option<i64>,
    /// The classifier was unsure: line 1 is to qualify it.
    pub needs_qualification: bool,
    /// Who recorded it.
    pub created_by: Option<UserId>,
    /// When the request arrived: the clocks start here.
    pub opened_at: Timestamp,
    /// The first public agent reply.
    pub first_response_at: Option<Timestamp>,
    /// The latest resolution, while resolved or closed.
    pub resolved_at: Option<Timestamp>,
    /// Class 6: specification agreed.
    pub spec_agreed_at: Option<Timestamp>,
    /// Class 6: work started.
    pub work_started_at: Option<Timestamp>,
    /// An individual reaction target, in seconds.
    pub individual_reaction_secs: Option<i64>,
    /// An individual resolution target, in seconds.
    pub individual_resolution_secs: Option<i64>,
    /// The nearest due time of a running clock.
    pub next_due_at: Option<Timestamp>,
    /// Last change.
    pub updated_at: Timestamp,
}

/// One entry of a ticket's append-only timeline.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketEvent {
    /// Its id.
    pub id: EventId,
    /// The ticket.
    pub ticket_id: TicketId,
    /// When it happened.
    pub at: Timestamp,
    /// Who did it (none for the system).
    pub actor_id: Option<UserId>,
    /// What kind: created, reply, note, status, class, line, assignee.
    pub kind: String,
    /// Whether the customer sees it.
    pub public: bool,
    /// The details.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub data: serde_json::Value,
}

impl TicketEvent {
    /// The entry, typed: its kind with its data as the domain reads them.
    pub fn event(
        &self,
    ) -> Result<tierline_domain::workflow::Event, tierline_domain::workflow::EventError> {
        tierline_domain::workflow::Event::parse(&self.kind, self.public, &self.data)
    }
}

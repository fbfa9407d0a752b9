//! Tickets: creation, the timeline, status, class, line and assignment, and the queue.
//!
//! Every change runs in one write transaction that locks the ticket, appends its events,
//! recomputes the nearest due time with the domain's clocks (never re-implemented here) and
//! writes the audit entry, so a ticket and its timeline cannot disagree.

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;
use tierline_domain::Class;
use tierline_domain::ticket::{Channel, Line, Status};

use crate::time::{from_db, opt_from_db};
use crate::{
    ContractVersionId, CustomerId, EventId, StoreError, SystemId, Ticket, TicketEvent, TicketId,
    UserId,
};

/// A request to record.
#[derive(Clone, Debug)]
pub struct NewTicket {
    /// The organisation; customer users may leave it out (it is theirs) and cannot name another.
    pub customer_id: Option<CustomerId>,
    /// The system concerned.
    pub system_id: Option<SystemId>,
    /// Subject line.
    pub subject: String,
    /// What is wrong.
    pub description: String,
    /// Where it came from.
    pub channel: Channel,
    /// Its class.
    pub class: Class,
    /// When it arrived, if earlier than now (a phone call typed in afterwards); staff only.
    pub opened_at: Option<Timestamp>,
    /// An individual reaction target.
    pub individual_reaction: Option<SignedDuration>,
    /// An individual resolution target.
    pub individual_resolution: Option<SignedDuration>,
    /// What the classifier said, when it chose the class.
    pub auto_class: Option<crate::AutoClass>,
}

/// Filters of the ticket list; all optional.
#[derive(Clone, Debug, Default)]
pub struct TicketFilter {
    /// Status.
    pub status: Option<Status>,
    /// Class.
    pub class: Option<Class>,
    /// Line.
    pub line: Option<Line>,
    /// Organisation.
    pub customer_id: Option<CustomerId>,
    /// Assignee.
    pub assignee_id: Option<UserId>,
    /// Only tickets nobody is assigned to (true) or someone is (false).
    pub unassigned: Option<bool>,
    /// Group.
    pub group_id: Option<i64>,
    /// Only tickets the classifier was unsure of (true) or not (false).
    pub needs_qualification: Option<bool>,
    /// Only tickets whose nearest running clock is past due (true) or not (false).
    pub breached: Option<bool>,
    /// Only tickets whose nearest due time is before this.
    pub due_before: Option<Timestamp>,
    /// Words to find (by their stems) in the subject, description and replies; agents' searches
    /// also reach internal notes.
    pub text: Option<String>,
    /// Only tickets opened at or after this.
    pub opened_from: Option<Timestamp>,
    /// Only tickets opened before this.
    pub opened_before: Option<Timestamp>,
    /// Only active tickets (not resolved or closed): what a queue shows.
    pub active: Option<bool>,
    /// Also count every match (costs a scan of the matches; queues of active tickets are cheap).
    pub count: bool,
    /// Page size, 1–200.
    pub limit: i64,
    /// Tickets to skip.
    pub offset: i64,
}

/// A page of tickets, nearest due first.
#[derive(Clone, Debug, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketPage {
    /// The tickets.
    pub items: Vec<Ticket>,
    /// Whether more match after this page.
    pub has_more: bool,
    /// How many match in all, when asked for with `count`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
}

const COLUMNS: &str = "id, customer_id, system_id, contract_version_id, subject, description, channel, class, line, status, \
    assignee_id, group_id, needs_qualification, created_by, opened_at, first_response_at, resolved_at, spec_agreed_at, work_started_at, \
    individual_reaction_secs, individual_resolution_secs, next_due_at, updated_at";

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_owned())
}

fn ticket(r: &AnyRow) -> Result<Ticket, StoreError> {
    let channel: String = r.try_get("channel")?;
    let status: String = r.try_get("status")?;
    Ok(Ticket {
        id: TicketId(r.try_get("id")?),
        customer_id: CustomerId(r.try_get("customer_id")?),
        system_id: r.try_get::<Option<i64>, _>("system_id")?.map(SystemId),
        contract_version_id: ContractVersionId(r.try_get("contract_version_id")?),
        subject: r.try_get("subject")?,
        description: r.try_get("description")?,
        channel: serde_json::from_value(json!(channel)).map_err(|_| corrupt("channel"))?,
        class: Class::try_from(r.try_get::<i64, _>("class")?).map_err(|_| corrupt("class"))?,
        line: Line::try_from(r.try_get::<i64, _>("line")?).map_err(|_| corrupt("line"))?,
        status: Status::parse(&status).ok_or_else(|| corrupt("status"))?,
        assignee_id: r.try_get::<Option<i64>, _>("assignee_id")?.map(UserId),
        group_id: r.try_get("group_id")?,
        needs_qualification: r.try_get::<i64, _>("needs_qualification")? != 0,
        created_by: r.try_get::<Option<i64>, _>("created_by")?.map(UserId),
        opened_at: from_db(r.try_get("opened_at")?)?,
        first_response_at: opt_from_db(r.try_get("first_response_at")?)?,
        resolved_at: opt_from_db(r.try_get("resolved_at")?)?,
        spec_agreed_at: opt_from_db(r.try_get("spec_agreed_at")?)?,
        work_started_at: opt_from_db(r.try_get("work_started_at")?)?,
        individual_reaction_secs: r.try_get("individual_reaction_secs")?,
        individual_resolution_secs: r.try_get("individual_resolution_secs")?,
        next_due_at: opt_from_db(r.try_get("next_due_at")?)?,
        updated_at: from_db(r.try_get("updated_at")?)?,
    })
}

fn event(r: &AnyRow) -> Result<TicketEvent, StoreError> {
    Ok(TicketEvent {
        id: EventId(r.try_get("id")?),
        ticket_id: TicketId(r.try_get("ticket_id")?),
        at: from_db(r.try_get("at")?)?,
        actor_id: r.try_get::<Option<i64>, _>("actor_id")?.map(UserId),
        kind: r.try_get("kind")?,
        public: r.try_get::<i64, _>("public")? != 0,
        data: serde_json::from_str(&r.try_get::<String, _>("data")?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
    })
}

fn secs(d: Option<SignedDuration>, field: &'static str) -> Result<Option<i64>, StoreError> {
    match d {
        Some(d) if d.is_negative() || d.is_zero() => {
            Err(StoreError::invalid(field, "must be a positive duration"))
        }
        Some(d) => Ok(Some(d.as_secs())),
        None => Ok(None),
    }
}

mod change;
mod commit;
mod create;
mod execute;
mod list;
mod read;

pub(crate) use commit::insert_event;
use commit::{facts, moved_to, status_spans};
pub use execute::Executed;
use list::scope;

//! The decision: a ticket's state, its contract, who acts, what they ask, and when → the events
//! to append and the ticket after, or a refusal with a reason. Every rule of who may do what to a
//! ticket, and of what it does, is here; the store only executes.

use jiff::Timestamp;
use serde_json::json;

use super::command::{Command, Milestone};
use super::event::{
    Body, ClassChanged, Event, LineChanged, MilestoneReached, Reassigned, StatusMoved,
};
use super::input::{MAX_BODY_CHARS, MAX_REASON_CHARS, non_empty};
use super::records;
use super::state::{Decision, Effect, TicketState};
use super::{Actor, Refusal, Role};
use crate::contract::Contract;
use crate::ticket::Status;

/// The checks of a command that need no ticket: role-only permissions and input, in the order
/// the store made them before the ticket was locked (so a bad request to a ticket the actor
/// cannot see is still told what is wrong with it). Returns the command with its texts cleaned.
pub fn prepare(actor: &Actor, command: &Command, now: Timestamp) -> Result<Command, Refusal> {
    Ok(match command {
        Command::Reply { body, public } => {
            let body = non_empty("body", body, MAX_BODY_CHARS)?;
            if !public && actor.role == Role::Customer {
                return Err(Refusal::Forbidden("only agents write internal notes"));
            }
            Command::Reply {
                body,
                public: *public,
            }
        }
        Command::Status { .. } => command.clone(),
        Command::Reclassify { class, reason } => {
            actor.require_staff()?;
            Command::Reclassify {
                class: *class,
                reason: non_empty("reason", reason, MAX_REASON_CHARS)?,
            }
        }
        Command::Escalate { reason } => {
            actor.require_staff()?;
            Command::Escalate {
                reason: non_empty("reason", reason, MAX_REASON_CHARS)?,
            }
        }
        Command::Deescalate { reason } => {
            actor.require_staff()?;
            Command::Deescalate {
                reason: non_empty("reason", reason, MAX_REASON_CHARS)?,
            }
        }
        Command::Assign { .. }
        | Command::Group { .. }
        | Command::Milestone(_)
        | Command::Vendor(_) => {
            actor.require_staff()?;
            command.clone()
        }
        Command::Attach { files } => records::prepare_files(actor, files)?,
        Command::LogTime(t) => records::prepare_time(actor, t, now)?,
    })
}

/// Decides what `command` does to the ticket in `state`, or why it may not.
pub fn decide(
    state: &TicketState,
    contract: &Contract,
    actor: &Actor,
    command: &Command,
    now: Timestamp,
) -> Result<Decision, Refusal> {
    let command = prepare(actor, command, now)?;
    let mut d = Decision {
        events: Vec::new(),
        state: state.clone(),
        effects: Vec::new(),
        action: "",
        audit: json!({}),
    };
    match command {
        Command::Reply { body, public } => reply(&mut d, actor, body, public, now)?,
        Command::Status { to, reason } => status(&mut d, actor, to, reason, now)?,
        Command::Reclassify { class, reason } => {
            // Confirming the class of a ticket the classifier was unsure of is a qualification too.
            if d.state.class == class && !d.state.needs_qualification {
                return Err(Refusal::invalid(
                    "class",
                    "the ticket already has this class",
                ));
            }
            d.events.push(Event::Class(ClassChanged {
                from: d.state.class,
                to: class,
                reason,
                qualified: d.state.needs_qualification,
            }));
            // Every agent's decision on a class teaches the classifier.
            d.effects.push(Effect::Train { class });
            d.state.class = class;
            d.state.needs_qualification = false;
            d.action = "ticket.class";
            d.audit = json!({"class": class});
        }
        Command::Escalate { reason } => line(&mut d, contract, reason, true)?,
        Command::Deescalate { reason } => line(&mut d, contract, reason, false)?,
        Command::Assign { assignee } => {
            if assignee.is_some() && !state.lookups.assignee_is_agent {
                return Err(Refusal::invalid("assignee_id", "no such agent"));
            }
            d.events.push(Event::Assignee(Reassigned {
                from: d.state.assignee,
                to: assignee,
            }));
            d.state.assignee = assignee;
            d.action = "ticket.assign";
            d.audit = json!({"assignee_id": assignee});
        }
        Command::Group { group } => {
            if group.is_some() && !state.lookups.group_exists {
                return Err(Refusal::invalid("group_id", "no such group"));
            }
            d.events.push(Event::Group(Reassigned {
                from: d.state.group,
                to: group,
            }));
            d.state.group = group;
            d.action = "ticket.group";
            d.audit = json!({"group_id": group});
        }
        Command::Milestone(m) => milestone(&mut d, m, now)?,
        Command::Vendor(block) => records::vendor(&mut d, &block)?,
        Command::Attach { files } => records::attach(&mut d, files),
        Command::LogTime(t) => records::log_time(&mut d, t, now),
    }
    Ok(d)
}

/// Moves the ticket's status, with its side of the clocks: leaving resolved forgets when.
fn move_status(d: &mut Decision, to: Status, reason: Option<String>, now: Timestamp) {
    d.events.push(Event::Status(StatusMoved {
        from: d.state.status,
        to,
        reason,
    }));
    match to {
        Status::Resolved => d.state.resolved_at = Some(now),
        Status::Closed => {}
        _ => d.state.resolved_at = None,
    }
    d.state.status = to;
}

/// A reply or note. The first public reply of staff meets the reaction clock and opens a new
/// ticket; a customer's reply brings a ticket waiting for them back to open.
fn reply(
    d: &mut Decision,
    actor: &Actor,
    body: String,
    public: bool,
    now: Timestamp,
) -> Result<(), Refusal> {
    if d.state.status == Status::Closed {
        return Err(Refusal::invalid("status", "the ticket is closed"));
    }
    // What a vendor writes is for the desk, never the customer's timeline.
    let said = Body { body: body.clone() };
    let (event, visible) = match (actor.role, public) {
        (Role::Vendor, _) => (Event::VendorNote(said), false),
        (_, true) => (Event::Reply(said), true),
        (_, false) => (Event::Note(said), false),
    };
    d.events.push(event);
    d.effects.push(Effect::Index {
        text: body,
        public: visible,
    });
    if actor.is_staff() && visible {
        if d.state.first_response_at.is_none() {
            d.state.first_response_at = Some(now);
        }
        if d.state.status == Status::New {
            move_status(d, Status::Open, None, now);
        }
    } else if actor.role == Role::Customer && d.state.status == Status::WaitingForCustomer {
        move_status(d, Status::Open, None, now);
    }
    d.action = if visible {
        "ticket.reply"
    } else {
        "ticket.note"
    };
    Ok(())
}

/// A status move. Customers may only reopen a resolved ticket or confirm it (close). Staff
/// opening a new ticket acknowledge it, which meets the reaction clock; reopening a resolved one
/// (monitoring does, when an outage returns) does not.
fn status(
    d: &mut Decision,
    actor: &Actor,
    to: Status,
    reason: Option<String>,
    now: Timestamp,
) -> Result<(), Refusal> {
    let from = d.state.status;
    if !from.can_move_to(to) {
        return Err(Refusal::invalid(
            "status",
            format!(
                "a ticket cannot move from {} to {}",
                from.as_str(),
                to.as_str()
            ),
        ));
    }
    let customer_may = actor.role == Role::Customer
        && from == Status::Resolved
        && matches!(to, Status::Open | Status::Closed);
    if !(actor.is_staff() || customer_may) {
        return Err(Refusal::Forbidden(
            "customers may only reopen or confirm a resolved ticket",
        ));
    }
    move_status(d, to, reason, now);
    if actor.is_staff()
        && from == Status::New
        && to == Status::Open
        && d.state.first_response_at.is_none()
    {
        d.state.first_response_at = Some(now);
    }
    d.action = "ticket.status";
    d.audit = json!({"status": to});
    Ok(())
}

/// One line up (never past the contract's last line) or down. Leaving line 4 ends the vendor
/// contact's share.
fn line(d: &mut Decision, contract: &Contract, reason: String, up: bool) -> Result<(), Refusal> {
    let from = d.state.line;
    let to = if up {
        from.escalate(contract.terms().lines)
    } else {
        from.deescalate()
    }
    .map_err(|e| Refusal::invalid("line", e.to_string()))?;
    d.events.push(Event::Line(LineChanged { from, to, reason }));
    if from.number() == 4 && to.number() != 4 {
        records::end_share(d);
    }
    d.state.line = to;
    d.action = if up {
        "ticket.escalate"
    } else {
        "ticket.deescalate"
    };
    d.audit = json!({"line": to});
    Ok(())
}

/// A class-6 milestone, in order: the specification is agreed, then work starts.
///
/// A milestone asked for again (a retried `spec_agreed`) is refused with the reason, never taken
/// for the next one: recording a retry as `work_started` would stop the work-start clock that
/// the agreement just started. Refusing (rather than answering with the ticket unchanged) is
/// what the API's milestone endpoint has always answered for a milestone out of order: a 422 on
/// `milestone`.
fn milestone(d: &mut Decision, m: Milestone, now: Timestamp) -> Result<(), Refusal> {
    if d.state.class.number() != 6 {
        return Err(Refusal::invalid(
            "class",
            "only class 6 requests have a work-start clock",
        ));
    }
    match (m, d.state.next_milestone()) {
        (_, None) => {
            return Err(Refusal::invalid(
                "milestone",
                "the specification is agreed and work has started already",
            ));
        }
        (Milestone::SpecAgreed, Some(Milestone::WorkStarted)) => {
            return Err(Refusal::invalid(
                "milestone",
                "the specification is agreed already",
            ));
        }
        (Milestone::WorkStarted, Some(Milestone::SpecAgreed)) => {
            return Err(Refusal::invalid(
                "milestone",
                "the specification is agreed first, then work starts",
            ));
        }
        (Milestone::SpecAgreed, _) => d.state.spec_agreed_at = Some(now),
        (Milestone::WorkStarted, _) => d.state.work_started_at = Some(now),
    }
    d.events
        .push(Event::Milestone(MilestoneReached { milestone: m }));
    d.action = "ticket.milestone";
    d.audit = json!({"milestone": m});
    Ok(())
}

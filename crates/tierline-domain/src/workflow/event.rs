//! The entries of a ticket's timeline, typed: every kind the desk writes, each with its payload.
//!
//! Stored as a `kind` string, a `public` flag and a JSON `data` object; the names and shapes here
//! are exactly those written before the timeline was typed, so old rows parse and no migration is
//! needed (the round-trip tests hold samples of every kind as the store wrote them).

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::command::{Milestone, VendorBlock};
use crate::Class;
use crate::ids::UserId;
use crate::ticket::{Channel, Line, Status};

/// One timeline entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "data")]
pub enum Event {
    /// The request arrived.
    #[serde(rename = "created")]
    Created(Created),
    /// A public reply.
    #[serde(rename = "reply")]
    Reply(Body),
    /// An internal note.
    #[serde(rename = "note")]
    Note(Body),
    /// What a vendor contact wrote: for the desk only.
    #[serde(rename = "vendor_note")]
    VendorNote(Body),
    /// A status move.
    #[serde(rename = "status")]
    Status(StatusMoved),
    /// A class correction (or the confirmation of an uncertain class).
    #[serde(rename = "class")]
    Class(ClassChanged),
    /// An escalation or de-escalation.
    #[serde(rename = "line")]
    Line(LineChanged),
    /// A new assignee (or none).
    #[serde(rename = "assignee")]
    Assignee(Reassigned<UserId>),
    /// A new group (or none).
    #[serde(rename = "group")]
    Group(Reassigned<i64>),
    /// A class-6 milestone.
    #[serde(rename = "milestone")]
    Milestone(MilestoneReached),
    /// The vendor block as recorded.
    #[serde(rename = "vendor")]
    Vendor(VendorBlock),
    /// The vendor contact no longer sees the ticket.
    #[serde(rename = "vendor_unshared")]
    VendorUnshared(VendorUnshared),
    /// A file attached.
    #[serde(rename = "attachment")]
    Attachment(Attached),
    /// Time logged.
    #[serde(rename = "time")]
    Time(TimeLogged),
    /// An SLA clock reached its warning point.
    #[serde(rename = "sla_warning")]
    SlaWarning(SlaFired),
    /// An SLA clock breached.
    #[serde(rename = "sla_breach")]
    SlaBreach(SlaFired),
    /// Monitoring found a system down.
    #[serde(rename = "monitor.down")]
    MonitorDown(MonitorDown),
    /// Monitoring found it up again.
    #[serde(rename = "monitor.recovered")]
    MonitorRecovered(MonitorRecovered),
    /// An external alert fired.
    #[serde(rename = "alert.firing")]
    AlertFiring(AlertFiring),
    /// An external alert resolved.
    #[serde(rename = "alert.resolved")]
    AlertResolved(AlertResolved),
}

/// Why a stored entry does not parse.
#[derive(Debug, thiserror::Error)]
#[error("timeline entry of kind {kind:?}: {message}")]
pub struct EventError {
    /// The kind stored.
    pub kind: String,
    /// What is wrong.
    pub message: String,
}

impl Event {
    /// The stored kind.
    pub fn kind(&self) -> &'static str {
        match self {
            Event::Created(_) => "created",
            Event::Reply(_) => "reply",
            Event::Note(_) => "note",
            Event::VendorNote(_) => "vendor_note",
            Event::Status(_) => "status",
            Event::Class(_) => "class",
            Event::Line(_) => "line",
            Event::Assignee(_) => "assignee",
            Event::Group(_) => "group",
            Event::Milestone(_) => "milestone",
            Event::Vendor(_) => "vendor",
            Event::VendorUnshared(_) => "vendor_unshared",
            Event::Attachment(_) => "attachment",
            Event::Time(_) => "time",
            Event::SlaWarning(_) => "sla_warning",
            Event::SlaBreach(_) => "sla_breach",
            Event::MonitorDown(_) => "monitor.down",
            Event::MonitorRecovered(_) => "monitor.recovered",
            Event::AlertFiring(_) => "alert.firing",
            Event::AlertResolved(_) => "alert.resolved",
        }
    }

    /// Whether the customer sees it.
    pub fn public(&self) -> bool {
        match self {
            Event::Created(_)
            | Event::Reply(_)
            | Event::Status(_)
            | Event::Milestone(_)
            | Event::MonitorDown(_)
            | Event::MonitorRecovered(_)
            | Event::AlertFiring(_)
            | Event::AlertResolved(_) => true,
            Event::Attachment(a) => a.public,
            Event::Note(_)
            | Event::VendorNote(_)
            | Event::Class(_)
            | Event::Line(_)
            | Event::Assignee(_)
            | Event::Group(_)
            | Event::Vendor(_)
            | Event::VendorUnshared(_)
            | Event::Time(_)
            | Event::SlaWarning(_)
            | Event::SlaBreach(_) => false,
        }
    }

    /// The stored `data` object.
    pub fn data(&self) -> serde_json::Value {
        // Through a `Value` (whose objects keep their keys sorted) the text stored is the same as
        // the `json!` objects written before the timeline was typed.
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(mut m)) => {
                m.remove("data").unwrap_or(serde_json::Value::Null)
            }
            // Every variant is a struct of plain fields: serialising cannot fail or be other.
            _ => serde_json::Value::Null,
        }
    }

    /// An incident's opening entry (`monitor.down`, `alert.firing`) with what is known only
    /// once the incident is found: whether it adds to an open one (and flaps), or is new (and
    /// was found before the customer). Other entries are returned as they are.
    pub fn on_incident(
        &self,
        flapping: Option<bool>,
        found_before_customer: Option<bool>,
    ) -> Event {
        let mut e = self.clone();
        match &mut e {
            Event::MonitorDown(d) => {
                d.flapping = flapping;
                d.found_before_customer = found_before_customer;
            }
            Event::AlertFiring(a) => {
                a.flapping = flapping;
                a.found_before_customer = found_before_customer;
            }
            _ => {}
        }
        e
    }

    /// An entry as stored: its kind, whether the customer sees it, and its data.
    pub fn parse(kind: &str, public: bool, data: &serde_json::Value) -> Result<Event, EventError> {
        let tagged = serde_json::json!({"kind": kind, "data": data});
        let mut event: Event = serde_json::from_value(tagged).map_err(|e| EventError {
            kind: kind.to_owned(),
            message: e.to_string(),
        })?;
        // The one kind whose visibility is chosen per entry keeps it in the row, not the data.
        if let Event::Attachment(a) = &mut event {
            a.public = public;
        }
        Ok(event)
    }
}

/// The text of a reply or note.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Body {
    /// What was said.
    pub body: String,
}

/// The opening entry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Created {
    /// Always `new`.
    pub status: Status,
    /// The class it opened with.
    pub class: Class,
    /// Always line 1.
    pub line: Line,
    /// Where it came from.
    pub channel: Channel,
    /// What the classifier said, when it chose the class (the classifier's own record: kept as
    /// it wrote it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classified: Option<serde_json::Value>,
}

/// A status move.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusMoved {
    /// From.
    pub from: Status,
    /// To.
    pub to: Status,
    /// Why, when given (stored as `null` when not).
    #[serde(default)]
    pub reason: Option<String>,
}

/// A class correction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassChanged {
    /// From.
    pub from: Class,
    /// To.
    pub to: Class,
    /// Why.
    pub reason: String,
    /// Whether it qualified a class the classifier was unsure of.
    pub qualified: bool,
}

/// A line move.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineChanged {
    /// From.
    pub from: Line,
    /// To.
    pub to: Line,
    /// Why.
    pub reason: String,
}

/// A new holder (assignee, group), either side possibly none.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reassigned<T> {
    /// From.
    pub from: Option<T>,
    /// To.
    pub to: Option<T>,
}

/// A class-6 milestone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneReached {
    /// Which.
    pub milestone: Milestone,
}

/// The vendor whose share ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VendorUnshared {
    /// The vendor's name.
    pub vendor: String,
}

/// A file attached.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attached {
    /// The attachment.
    pub attachment_id: i64,
    /// Its name.
    pub file_name: String,
    /// Bytes.
    pub size: i64,
    /// Whether the customer sees it (kept in the row's `public`, not the data).
    #[serde(skip)]
    pub public: bool,
}

/// Time logged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeLogged {
    /// Minutes.
    pub minutes: i64,
    /// Whether it counts as consultation.
    pub consultation: bool,
    /// What was done.
    pub note: String,
}

/// An SLA timer that fired.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaFired {
    /// The clock: `reaction`, `resolution` or `work_start`.
    pub clock: String,
    /// When it was due to fire.
    pub at: Timestamp,
}

/// Monitoring found a system down.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitorDown {
    /// The monitor.
    pub monitor_id: i64,
    /// Its name.
    pub monitor: String,
    /// Down since.
    pub since: Timestamp,
    /// When the down was confirmed.
    pub detected_at: Timestamp,
    /// What the check said.
    pub reason: String,
    /// On an incident added to: whether the monitor is flapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flapping: Option<bool>,
    /// On a new incident: whether monitoring found it before the customer reported it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found_before_customer: Option<bool>,
}

/// Monitoring found a system up again.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MonitorRecovered {
    /// The monitor.
    pub monitor_id: i64,
    /// Its name.
    pub monitor: String,
    /// Down since.
    pub down_since: Timestamp,
    /// Up again at.
    pub recovered_at: Timestamp,
    /// The downtime, in seconds.
    pub downtime_secs: i64,
    /// Whether the monitor is flapping.
    pub flapping: bool,
}

/// An external alert fired.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertFiring {
    /// Which integration sent it.
    pub source: String,
    /// The sender's identity of the alert.
    pub fingerprint: String,
    /// Its title.
    pub title: String,
    /// Its detail.
    pub detail: String,
    /// Its labels.
    pub labels: BTreeMap<String, String>,
    /// When it started.
    pub starts_at: Timestamp,
    /// On an incident added to: whether it is flapping.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flapping: Option<bool>,
    /// On a new incident: whether it was found before the customer reported it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub found_before_customer: Option<bool>,
}

/// An external alert resolved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlertResolved {
    /// Which integration sent it.
    pub source: String,
    /// The sender's identity of the alert.
    pub fingerprint: String,
    /// Its title.
    pub title: String,
    /// When it started.
    pub started_at: Timestamp,
    /// When it ended.
    pub resolved_at: Timestamp,
    /// How long it lasted, in seconds.
    pub duration_secs: i64,
}

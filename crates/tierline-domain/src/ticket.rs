//! A ticket's rules: statuses and their moves, support lines and escalation, channels, and the
//! SLA clocks of a ticket computed from what happened to it.

use std::fmt;

use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use crate::contract::Contract;
use crate::sla::{Class, ClockKind, ClockSnapshot, Pause, SlaError};

/// A support line, 1 to 4 (SPEC §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u8")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = u8, minimum = 1, maximum = 4))]
pub struct Line(u8);

/// Why a line cannot change as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LineError {
    /// Not 1–4.
    #[error("line {0} does not exist: lines are 1 to 4")]
    Unknown(i64),
    /// Past the contract's last line.
    #[error("the contract includes lines up to {0}; the ticket cannot go past it")]
    BeyondContract(Line),
    /// Below line 1.
    #[error("the ticket is on line 1 already")]
    AtFirst,
}

impl Line {
    /// Line 1, where every ticket starts.
    pub const FIRST: Line = Line(1);

    /// Line 4, the highest.
    pub fn top() -> Line {
        Line(4)
    }

    /// The number.
    pub fn number(self) -> u8 {
        self.0
    }

    /// One line up, if the contract includes it.
    pub fn escalate(self, contract_lines: Line) -> Result<Line, LineError> {
        if self >= contract_lines {
            return Err(LineError::BeyondContract(contract_lines));
        }
        Ok(Line(self.0 + 1))
    }

    /// One line down.
    pub fn deescalate(self) -> Result<Line, LineError> {
        if self == Line::FIRST {
            return Err(LineError::AtFirst);
        }
        Ok(Line(self.0 - 1))
    }
}

impl TryFrom<i64> for Line {
    type Error = LineError;

    fn try_from(n: i64) -> Result<Line, LineError> {
        match u8::try_from(n) {
            Ok(l @ 1..=4) => Ok(Line(l)),
            _ => Err(LineError::Unknown(n)),
        }
    }
}

impl From<Line> for u8 {
    fn from(l: Line) -> u8 {
        l.0
    }
}

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Where a request came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Channel {
    /// The customer portal.
    Portal,
    /// Email.
    Email,
    /// The REST API.
    Api,
    /// Our monitoring.
    Monitoring,
    /// Typed in by an agent (a phone call).
    Phone,
}

/// A ticket's status (SPEC §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Status {
    /// Just arrived.
    New,
    /// Being worked on.
    Open,
    /// Waiting for the customer: the clocks pause.
    WaitingForCustomer,
    /// Waiting for a vendor: the clocks pause where the contract says so.
    WaitingForVendor,
    /// Resolved: the resolution clock stops.
    Resolved,
    /// Closed for good.
    Closed,
}

impl Status {
    /// Whether the move from `self` to `next` is allowed: new → open → waiting → resolved →
    /// closed, back to open from waiting, and reopen from resolved.
    pub fn can_move_to(self, next: Status) -> bool {
        use Status::*;
        match (self, next) {
            (a, b) if a == b => false,
            (
                New | Open | WaitingForCustomer | WaitingForVendor,
                Open | WaitingForCustomer | WaitingForVendor | Resolved,
            ) => true,
            (Resolved, Open | Closed) => true,
            _ => false,
        }
    }

    /// Whether a ticket in this status is still being handled.
    pub fn is_active(self) -> bool {
        !matches!(self, Status::Resolved | Status::Closed)
    }

    /// The snake_case name used in the API and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::Open => "open",
            Status::WaitingForCustomer => "waiting_for_customer",
            Status::WaitingForVendor => "waiting_for_vendor",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }

    /// The status from its name.
    pub fn parse(s: &str) -> Option<Status> {
        [
            Status::New,
            Status::Open,
            Status::WaitingForCustomer,
            Status::WaitingForVendor,
            Status::Resolved,
            Status::Closed,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
    }
}

/// A stretch of time in one status, from the ticket's history.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusSpan {
    /// The status.
    pub status: Status,
    /// When it began.
    pub from: Timestamp,
    /// When it ended; `None` if it is the current status.
    pub until: Option<Timestamp>,
}

/// What happened to a ticket that its clocks depend on.
#[derive(Clone, Debug)]
pub struct TicketFacts {
    /// The class now (a change re-times from `opened_at`).
    pub class: Class,
    /// When the request arrived.
    pub opened_at: Timestamp,
    /// The status history, oldest first.
    pub statuses: Vec<StatusSpan>,
    /// The first public reply or acknowledgement by an agent.
    pub first_response_at: Option<Timestamp>,
    /// The latest move to resolved, if the ticket is resolved now.
    pub resolved_at: Option<Timestamp>,
    /// Class 6: when the specification was agreed.
    pub spec_agreed_at: Option<Timestamp>,
    /// Class 6: when work started.
    pub work_started_at: Option<Timestamp>,
    /// Typed-in targets for "individual" cells.
    pub individual_reaction: Option<SignedDuration>,
    /// Typed-in resolution target.
    pub individual_resolution: Option<SignedDuration>,
}

/// One clock of a ticket, evaluated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketClock {
    /// Which clock.
    pub kind: ClockKind,
    /// Its target, as an ISO 8601 duration.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "PT1H"))]
    pub target: SignedDuration,
    /// Everything about it at the instant asked.
    #[serde(flatten)]
    pub snapshot: ClockSnapshot,
    /// When it was stopped, if it was.
    pub stopped_at: Option<Timestamp>,
}

impl TicketFacts {
    /// The pauses of the clocks: waiting for the customer always, for a vendor where the
    /// contract says so, and the time a ticket spent resolved before it was reopened.
    pub fn pauses(&self, contract: &Contract) -> Vec<Pause> {
        self.statuses
            .iter()
            .filter(|s| match s.status {
                Status::WaitingForCustomer | Status::Resolved => true,
                Status::WaitingForVendor => contract.terms().vendor_wait_pauses,
                Status::New | Status::Open | Status::Closed => false,
            })
            .map(|s| Pause {
                from: s.from,
                until: s.until,
            })
            .collect()
    }

    /// The ticket's clocks at `now`; a clock the contract sets no target for is left out, and so
    /// is an individual one nobody has typed in yet.
    pub fn clocks(
        &self,
        contract: &Contract,
        now: Timestamp,
    ) -> Result<Vec<TicketClock>, SlaError> {
        let pauses = self.pauses(contract);
        let mut out = Vec::new();
        let runs = [
            (
                ClockKind::Reaction,
                Some(self.opened_at),
                self.first_response_at,
                self.individual_reaction,
            ),
            (
                ClockKind::Resolution,
                Some(self.opened_at),
                self.resolved_at,
                self.individual_resolution,
            ),
            (
                ClockKind::WorkStart,
                self.spec_agreed_at,
                self.work_started_at,
                None,
            ),
        ];
        for (kind, start, stop, individual) in runs {
            let Some(start) = start else { continue };
            let clock = match contract.policy().clock(
                contract.calendar(),
                self.class,
                kind,
                start,
                individual,
            ) {
                Ok(Some(c)) => c,
                Ok(None) | Err(SlaError::MissingIndividualTarget(..)) => continue,
                Err(e) => return Err(e),
            };
            let mut clock = clock
                .with_warning_share(contract.warning_share())
                .with_pauses(pauses.iter().copied())?;
            if let Some(stop) = stop {
                clock = clock.stopped_at(stop);
            }
            out.push(TicketClock {
                kind,
                target: clock.target(),
                snapshot: clock.snapshot(now)?,
                stopped_at: stop,
            });
        }
        Ok(out)
    }
}

/// The nearest due instant among clocks still running: what queues sort by.
pub fn next_due(clocks: &[TicketClock]) -> Option<Timestamp> {
    clocks
        .iter()
        .filter(|c| c.stopped_at.is_none())
        .filter_map(|c| c.snapshot.due)
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_escalate_one_at_a_time_within_the_contract() {
        let two = Line::try_from(2).unwrap();
        assert_eq!(Line::FIRST.escalate(two), Ok(two));
        assert_eq!(two.escalate(two), Err(LineError::BeyondContract(two)));
        assert_eq!(Line::FIRST.deescalate(), Err(LineError::AtFirst));
        assert!(Line::try_from(5).is_err());
    }

    #[test]
    fn status_moves() {
        use Status::*;
        assert!(New.can_move_to(Open));
        assert!(Open.can_move_to(WaitingForCustomer));
        assert!(WaitingForCustomer.can_move_to(Open));
        assert!(Resolved.can_move_to(Open), "reopen");
        assert!(Resolved.can_move_to(Closed));
        assert!(!Closed.can_move_to(Open));
        assert!(!Open.can_move_to(New));
        assert!(!Open.can_move_to(Closed), "close only once resolved");
        assert!(!Open.can_move_to(Open));
        assert_eq!(Status::parse("waiting_for_vendor"), Some(WaitingForVendor));
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn contract(vendor_wait_pauses: bool) -> Contract {
        let terms: crate::contract::ContractTerms = serde_json::from_value(serde_json::json!({
            "calendar": {"tz": "Europe/Kyiv", "coverage": "base"},
            "vendor_wait_pauses": vendor_wait_pauses,
        }))
        .unwrap();
        terms.validate().unwrap()
    }

    #[test]
    fn clocks_of_a_ticket_follow_its_history() {
        let facts = TicketFacts {
            class: Class::try_from(4).unwrap(),
            opened_at: ts("2026-11-16T09:30:00+02:00"),
            statuses: vec![
                StatusSpan {
                    status: Status::New,
                    from: ts("2026-11-16T09:30:00+02:00"),
                    until: Some(ts("2026-11-16T10:00:00+02:00")),
                },
                StatusSpan {
                    status: Status::WaitingForVendor,
                    from: ts("2026-11-16T10:00:00+02:00"),
                    until: Some(ts("2026-11-16T11:00:00+02:00")),
                },
                StatusSpan {
                    status: Status::Open,
                    from: ts("2026-11-16T11:00:00+02:00"),
                    until: None,
                },
            ],
            first_response_at: Some(ts("2026-11-16T10:00:00+02:00")),
            resolved_at: None,
            spec_agreed_at: None,
            work_started_at: None,
            individual_reaction: None,
            individual_resolution: None,
        };
        let now = ts("2026-11-16T12:00:00+02:00");
        let plain = facts.clocks(&contract(false), now).unwrap();
        assert_eq!(plain.len(), 2);
        assert_eq!(plain[0].snapshot.state, crate::sla::ClockState::Met);
        assert_eq!(plain[1].snapshot.due, Some(ts("2026-11-16T15:30:00+02:00")));
        let paused = facts.clocks(&contract(true), now).unwrap();
        assert_eq!(
            paused[1].snapshot.due,
            Some(ts("2026-11-16T16:30:00+02:00"))
        );
        assert_eq!(
            next_due(&paused),
            Some(ts("2026-11-16T16:30:00+02:00")),
            "reaction is stopped"
        );
    }
}

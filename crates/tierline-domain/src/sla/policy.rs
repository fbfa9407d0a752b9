//! Request classes and the targets a contract sets for them (SPEC §1).

use std::fmt;

use jiff::SignedDuration;
use serde::{Deserialize, Serialize};

use crate::calendar::{Calendar, CalendarError};

use super::Clock;

/// What can go wrong with SLA inputs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SlaError {
    /// A class outside 1–6.
    #[error("class {0} does not exist: classes are 1 to 6")]
    UnknownClass(i64),
    /// A warning share outside 0–100 %.
    #[error("warning share {0} is outside 0..=1")]
    InvalidWarningShare(String),
    /// A pause whose end is not after its start.
    #[error("pause {0} has an end that is not after its start")]
    EmptyPause(String),
    /// The target is individual and none was typed in for the ticket.
    #[error("class {0} has an individual {1} target and none was set on the ticket")]
    MissingIndividualTarget(Class, ClockKind),
    /// The calendar could not answer.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

/// A request class, 1 (third parties) to 6 (questions and changes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u8")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = u8, minimum = 1, maximum = 6))]
pub struct Class(u8);

impl Class {
    /// All six classes in order.
    pub const ALL: [Class; 6] = [Class(1), Class(2), Class(3), Class(4), Class(5), Class(6)];

    /// The class number, 1–6.
    pub fn number(self) -> u8 {
        self.0
    }

    /// What the class covers, in a few words (SPEC §1).
    pub fn description(self) -> &'static str {
        match self.0 {
            1 => "hosting, virtualisation, hardware, provider or other third party",
            2 => "server unavailable or overloaded, failover, OS-level faults",
            3 => "the whole application down",
            4 => "key business processes broken, or the application far too slow",
            5 => "single components slow or wrong, attacks, viruses",
            _ => "questions, consultations, change requests, documentation",
        }
    }

    fn index(self) -> usize {
        usize::from(self.0 - 1)
    }
}

impl TryFrom<i64> for Class {
    type Error = SlaError;

    fn try_from(n: i64) -> Result<Class, SlaError> {
        match u8::try_from(n) {
            Ok(c @ 1..=6) => Ok(Class(c)),
            _ => Err(SlaError::UnknownClass(n)),
        }
    }
}

impl From<Class> for u8 {
    fn from(c: Class) -> u8 {
        c.0
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Which clock of a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ClockKind {
    /// Until the first public reply or acknowledgement by an agent.
    Reaction,
    /// Until the request is resolved.
    Resolution,
    /// Class 6: from the specification agreed until work starts.
    WorkStart,
}

impl fmt::Display for ClockKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ClockKind::Reaction => "reaction",
            ClockKind::Resolution => "resolution",
            ClockKind::WorkStart => "work start",
        })
    }
}

/// One target of an SLA table cell. In JSON: `"not_in_sla"`, `"individual"`, or a duration such
/// as `"1h"`, `"30m"`, `"1h 30m"` or `"PT4H"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Target {
    /// The contract sets no target: no clock runs.
    NotInSla,
    /// Agreed per ticket: the agent types the target in.
    Individual,
    /// Within this much covered time.
    Within(SignedDuration),
}

impl Target {
    /// The duration to time against, given the ticket's individual target if it has one.
    /// `Ok(None)` means no clock runs.
    pub fn duration(
        self,
        class: Class,
        kind: ClockKind,
        individual: Option<SignedDuration>,
    ) -> Result<Option<SignedDuration>, SlaError> {
        match self {
            Target::NotInSla => Ok(None),
            Target::Within(d) => Ok(Some(d)),
            Target::Individual => individual
                .map(Some)
                .ok_or(SlaError::MissingIndividualTarget(class, kind)),
        }
    }
}

impl TryFrom<String> for Target {
    type Error = String;

    fn try_from(s: String) -> Result<Target, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "not_in_sla" | "not in sla" => Ok(Target::NotInSla),
            "individual" => Ok(Target::Individual),
            text => match text.parse::<SignedDuration>() {
                Ok(d) if !d.is_negative() => Ok(Target::Within(d)),
                _ => Err(format!(
                    "invalid target {s:?}: expected \"not_in_sla\", \"individual\" or a duration such as \"4h\" or \"30m\""
                )),
            },
        }
    }
}

impl From<Target> for String {
    fn from(t: Target) -> String {
        match t {
            Target::NotInSla => "not_in_sla".to_owned(),
            Target::Individual => "individual".to_owned(),
            Target::Within(d) => format!("{d:#}"),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::NotInSla => f.write_str("not in SLA"),
            Target::Individual => f.write_str("individual"),
            Target::Within(d) => f.write_str(&human_duration(*d)),
        }
    }
}

/// `1h 30m`, `45m`, `2h`, `30s`: how people write targets.
pub fn human_duration(d: SignedDuration) -> String {
    let secs = d.as_secs().unsigned_abs();
    let (h, m, s) = (secs / 3600, secs / 60 % 60, secs % 60);
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(format!("{h}h"));
    }
    if m > 0 {
        parts.push(format!("{m}m"));
    }
    if s > 0 || parts.is_empty() {
        parts.push(format!("{s}s"));
    }
    let sign = if d.is_negative() { "-" } else { "" };
    format!("{sign}{}", parts.join(" "))
}

/// The targets of one class.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClassTargets {
    /// Reaction target: `"not_in_sla"`, `"individual"` or a duration such as `"1h"`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "1h"))]
    pub reaction: Target,
    /// Resolution target, written like the reaction target.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "4h"))]
    pub resolution: Target,
    /// Work-start target (class 6 only; `NotInSla` elsewhere).
    #[serde(default = "not_in_sla")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "not_in_sla"))]
    pub work_start: Target,
}

fn not_in_sla() -> Target {
    Target::NotInSla
}

/// An SLA table: the targets for each class. In JSON, a list of six objects, class 1 first.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SlaPolicy {
    classes: [ClassTargets; 6],
}

const fn mins(m: i64) -> Target {
    Target::Within(SignedDuration::from_mins(m))
}

const fn hours(h: i64) -> Target {
    Target::Within(SignedDuration::from_hours(h))
}

impl SlaPolicy {
    /// The default table of SPEC §1, which a new contract starts from.
    ///
    /// Class 6's "work starts within 1–2 business days after the specification is agreed" is a
    /// work-start target of 18 covered hours: two business days of base coverage (2 × 9 h).
    pub fn default_table() -> SlaPolicy {
        use Target::{Individual, NotInSla};
        let t = |reaction, resolution| ClassTargets {
            reaction,
            resolution,
            work_start: NotInSla,
        };
        SlaPolicy {
            classes: [
                t(NotInSla, NotInSla),
                t(NotInSla, Individual),
                t(hours(1), hours(4)),
                t(hours(2), hours(6)),
                t(hours(3), hours(6)),
                ClassTargets {
                    reaction: hours(4),
                    resolution: NotInSla,
                    work_start: hours(18),
                },
            ],
        }
    }

    /// The default table with the Stability add-on: classes 2 and 3 get 30 minutes to react and
    /// one hour to resolve.
    pub fn stability() -> SlaPolicy {
        let mut p = SlaPolicy::default_table();
        for i in [1, 2] {
            p.classes[i].reaction = mins(30);
            p.classes[i].resolution = hours(1);
        }
        p
    }

    /// The targets of a class.
    pub fn targets(&self, class: Class) -> ClassTargets {
        self.classes[class.index()]
    }

    /// Changes one class's targets (every cell can be changed per contract).
    pub fn set_targets(&mut self, class: Class, targets: ClassTargets) -> &mut Self {
        self.classes[class.index()] = targets;
        self
    }

    /// The target of one clock of a class.
    pub fn target(&self, class: Class, kind: ClockKind) -> Target {
        let t = self.targets(class);
        match kind {
            ClockKind::Reaction => t.reaction,
            ClockKind::Resolution => t.resolution,
            ClockKind::WorkStart => t.work_start,
        }
    }

    /// The clock of `kind` for a request of `class` that started at `start`, or `None` when the
    /// contract sets no target for it.
    ///
    /// A change of class re-times a clock by calling this again with the new class and the same
    /// original start: the clock is a function of its inputs, never adjusted in place.
    pub fn clock<'c>(
        &self,
        calendar: &'c Calendar,
        class: Class,
        kind: ClockKind,
        start: jiff::Timestamp,
        individual: Option<SignedDuration>,
    ) -> Result<Option<Clock<'c>>, SlaError> {
        let Some(target) = self.target(class, kind).duration(class, kind, individual)? else {
            return Ok(None);
        };
        Ok(Some(Clock::new(calendar, start, target)?))
    }
}

impl Default for SlaPolicy {
    fn default() -> Self {
        SlaPolicy::default_table()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_are_one_to_six() {
        assert!(Class::try_from(0).is_err());
        assert!(Class::try_from(7).is_err());
        assert_eq!(Class::try_from(6).unwrap().number(), 6);
        assert!(serde_json::from_str::<Class>("9").is_err());
    }

    #[test]
    fn default_table_and_stability_match_the_spec() {
        let d = SlaPolicy::default_table();
        let s = SlaPolicy::stability();
        let c = |n| Class::try_from(n).unwrap();
        assert_eq!(d.targets(c(1)).reaction, Target::NotInSla);
        assert_eq!(d.targets(c(2)).resolution, Target::Individual);
        assert_eq!(d.target(c(3), ClockKind::Reaction), hours(1));
        assert_eq!(d.target(c(3), ClockKind::Resolution), hours(4));
        assert_eq!(d.target(c(5), ClockKind::Reaction), hours(3));
        assert_eq!(d.target(c(6), ClockKind::WorkStart), hours(18));
        assert_eq!(s.target(c(2), ClockKind::Reaction), mins(30));
        assert_eq!(s.target(c(3), ClockKind::Resolution), hours(1));
        assert_eq!(s.targets(c(4)), d.targets(c(4)));
    }

    #[test]
    fn targets_in_json_read_like_people_write_them() {
        let json = serde_json::to_string(&SlaPolicy::default_table()).unwrap();
        assert!(json.starts_with(r#"[{"reaction":"not_in_sla","#), "{json}");
        assert!(
            json.contains(r#"{"reaction":"1h","resolution":"4h","work_start":"not_in_sla"}"#),
            "{json}"
        );
        let back: SlaPolicy = serde_json::from_str(&json).unwrap();
        assert_eq!(back, SlaPolicy::default_table());
        for (text, want) in [
            ("\"30m\"", mins(30)),
            ("\"1h 30m\"", mins(90)),
            ("\"PT4H\"", hours(4)),
        ] {
            assert_eq!(
                serde_json::from_str::<Target>(text).unwrap(),
                want,
                "{text}"
            );
        }
        for bad in ["\"soon\"", "\"-1h\"", "5"] {
            assert!(serde_json::from_str::<Target>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_read_like_people_write_them() {
        assert_eq!(human_duration(SignedDuration::from_mins(90)), "1h 30m");
        assert_eq!(human_duration(SignedDuration::ZERO), "0s");
        assert_eq!(Target::NotInSla.to_string(), "not in SLA");
    }
}

//! A contract's terms: what a customer bought, and the calendar and SLA table its tickets run on.
//!
//! Terms are stored as one JSON document per contract version; a version never changes once
//! created, and a ticket keeps the version it was opened under.

use serde::{Deserialize, Serialize};

use crate::calendar::spec::CalendarSpec;
use crate::calendar::{Calendar, CalendarError, Coverage};
use crate::sla::{SlaPolicy, WarningShare};
use crate::ticket::Line;

/// What is wrong with a contract's terms.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContractError {
    /// The calendar part is invalid.
    #[error("calendar: {0}")]
    Calendar(#[from] CalendarError),
    /// The warning share is not a ratio.
    #[error("warning_share must be between 0 and 1, got {0}")]
    WarningShare(String),
}

/// The terms of one contract version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContractTerms {
    /// Time zone, coverage preset, holidays and moved days.
    pub calendar: CalendarSpec,
    /// The SLA table; the default of SPEC §1 (or its Stability variant) when left out.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<crate::sla::ClassTargets>>))]
    pub sla: Option<SlaPolicy>,
    /// The highest support line included (1–4).
    #[serde(default = "Line::top")]
    pub lines: Line,
    /// The Stability add-on.
    #[serde(default)]
    pub stability: bool,
    /// Consultation hours included a month.
    #[serde(default)]
    pub consultation_hours: u32,
    /// Whether waiting for a vendor pauses the clocks (waiting for the customer always does).
    #[serde(default)]
    pub vendor_wait_pauses: bool,
    /// The share of a target at which a clock warns.
    #[serde(default = "default_warning_share")]
    pub warning_share: f64,
    /// The monthly base price in USD (coverage extensions and Stability are priced by the spec).
    #[serde(default)]
    pub base_price_usd: u32,
}

fn default_warning_share() -> f64 {
    0.8
}

/// Terms that have been checked, with the calendar built and the SLA table settled.
#[derive(Debug, Clone)]
pub struct Contract {
    terms: ContractTerms,
    calendar: Calendar,
    policy: SlaPolicy,
    warning: WarningShare,
}

impl ContractTerms {
    /// Checks the terms and builds their calendar.
    pub fn validate(self) -> Result<Contract, ContractError> {
        let calendar = Calendar::try_from(&self.calendar)?;
        let warning = WarningShare::from_ratio(self.warning_share)
            .map_err(|_| ContractError::WarningShare(self.warning_share.to_string()))?;
        let policy = self.sla.clone().unwrap_or_else(|| {
            if self.stability {
                SlaPolicy::stability()
            } else {
                SlaPolicy::default_table()
            }
        });
        Ok(Contract {
            terms: self,
            calendar,
            policy,
            warning,
        })
    }
}

impl Contract {
    /// The terms as given.
    pub fn terms(&self) -> &ContractTerms {
        &self.terms
    }

    /// The calendar the SLA clocks run on.
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// The SLA table in force.
    pub fn policy(&self) -> &SlaPolicy {
        &self.policy
    }

    /// The warning share.
    pub fn warning_share(&self) -> WarningShare {
        self.warning
    }

    /// The monthly price in USD: base, coverage extensions, Stability.
    pub fn monthly_price_usd(&self) -> u32 {
        let extensions = self
            .terms
            .calendar
            .coverage
            .as_deref()
            .and_then(|c| c.parse::<Coverage>().ok())
            .map_or(0, |c| c.extensions_price_usd());
        let stability = if self.terms.stability { 500 } else { 0 };
        self.terms.base_price_usd + extensions + stability
    }
}

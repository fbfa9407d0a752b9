//! Who is acting: the identity every command and read is made for.

use serde::{Deserialize, Serialize};

use super::Refusal;
use crate::ids::{CustomerId, UserId};
use crate::ticket::Line;

/// A user's role (SPEC §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    /// Runs the desk: customers, contracts, users.
    Admin,
    /// Works tickets on one or more lines.
    Agent,
    /// A customer's staff: its own organisation's tickets only.
    Customer,
    /// A vendor contact: only line-4 tickets shared with it.
    Vendor,
}

impl Role {
    /// The name stored and shown.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Agent => "agent",
            Role::Customer => "customer",
            Role::Vendor => "vendor",
        }
    }

    /// The role stored under `s`, if it names one.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "admin" => Some(Role::Admin),
            "agent" => Some(Role::Agent),
            "customer" => Some(Role::Customer),
            "vendor" => Some(Role::Vendor),
            _ => None,
        }
    }

    /// Staff (administrators and agents): they see every organisation and work support lines.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Admin | Role::Agent)
    }
}

/// The signed-in user (or the system acting as one) a command is made for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    /// The user.
    pub user_id: UserId,
    /// Their role.
    pub role: Role,
    /// Their organisation, for customer users.
    pub customer_id: Option<CustomerId>,
    /// Their lines, for agents.
    pub lines: Vec<Line>,
}

impl Actor {
    /// Staff: administrators and agents see every organisation.
    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }

    /// Refuses anyone but an administrator.
    pub fn require_admin(&self) -> Result<(), Refusal> {
        if self.role == Role::Admin {
            Ok(())
        } else {
            Err(Refusal::Forbidden("only administrators may do this"))
        }
    }

    /// Refuses anyone but staff.
    pub fn require_staff(&self) -> Result<(), Refusal> {
        if self.is_staff() {
            Ok(())
        } else {
            Err(Refusal::Forbidden(
                "only agents and administrators may do this",
            ))
        }
    }

    /// The organisation a non-staff actor is confined to; `None` for staff. A vendor contact is
    /// confined to nothing it can list by organisation, which `Some(CustomerId(0))` (no such row)
    /// says.
    pub fn confined_to(&self) -> Option<CustomerId> {
        match self.role {
            Role::Admin | Role::Agent => None,
            Role::Customer => Some(self.customer_id.unwrap_or(CustomerId(0))),
            Role::Vendor => Some(CustomerId(0)),
        }
    }
}

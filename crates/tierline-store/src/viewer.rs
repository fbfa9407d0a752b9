//! Who is asking: the identity every store call is made for.

use serde::{Deserialize, Serialize};
use tierline_domain::ticket::Line;

use crate::StoreError;
use crate::model::{CustomerId, UserId};

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

    /// Staff (administrators and agents): they see every organisation and work support lines.
    pub fn is_staff(self) -> bool {
        matches!(self, Role::Admin | Role::Agent)
    }

    pub(crate) fn parse(s: &str) -> Result<Role, StoreError> {
        match s {
            "admin" => Ok(Role::Admin),
            "agent" => Ok(Role::Agent),
            "customer" => Ok(Role::Customer),
            "vendor" => Ok(Role::Vendor),
            other => Err(StoreError::Corrupt(format!("unknown role {other:?}"))),
        }
    }
}

/// The signed-in user a call is made for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Viewer {
    /// The user.
    pub user_id: UserId,
    /// Their role.
    pub role: Role,
    /// Their organisation, for customer users.
    pub customer_id: Option<CustomerId>,
    /// Their lines, for agents.
    pub lines: Vec<Line>,
}

impl Viewer {
    /// Staff: administrators and agents see every organisation.
    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }

    pub(crate) fn require_admin(&self) -> Result<(), StoreError> {
        if self.role == Role::Admin {
            Ok(())
        } else {
            Err(StoreError::Forbidden("only administrators may do this"))
        }
    }

    pub(crate) fn require_staff(&self) -> Result<(), StoreError> {
        if self.is_staff() {
            Ok(())
        } else {
            Err(StoreError::Forbidden(
                "only agents and administrators may do this",
            ))
        }
    }

    /// The organisation a non-staff viewer is confined to; `None` for staff. A vendor contact is
    /// confined to nothing it can list here yet, which `Some(CustomerId(0))` (no such row) says.
    pub(crate) fn confined_to(&self) -> Option<CustomerId> {
        match self.role {
            Role::Admin | Role::Agent => None,
            Role::Customer => Some(self.customer_id.unwrap_or(CustomerId(0))),
            Role::Vendor => Some(CustomerId(0)),
        }
    }
}

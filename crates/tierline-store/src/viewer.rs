//! Who is asking: the identity every store call is made for. The rules live in the domain
//! ([`tierline_domain::workflow::Actor`]); the store calls it a viewer.

pub use tierline_domain::workflow::{Actor as Viewer, Role};

use crate::StoreError;

impl From<tierline_domain::workflow::Refusal> for StoreError {
    fn from(r: tierline_domain::workflow::Refusal) -> StoreError {
        use tierline_domain::workflow::Refusal;
        match r {
            Refusal::Forbidden(why) => StoreError::Forbidden(why),
            Refusal::Invalid { field, message } => StoreError::Invalid { field, message },
        }
    }
}

/// Reads a stored role.
pub(crate) fn parse_role(s: &str) -> Result<Role, StoreError> {
    Role::parse(s).ok_or_else(|| StoreError::Corrupt(format!("unknown role {s:?}")))
}

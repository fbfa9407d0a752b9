//! Identifiers of the desk's records, shared by every layer so the rules can name them.

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = i64))]
        pub struct $name(pub i64);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

id_type!(
    /// A customer (an organisation).
    CustomerId
);
id_type!(
    /// A customer's system.
    SystemId
);
id_type!(
    /// One version of a customer's contract.
    ContractVersionId
);
id_type!(
    /// A user.
    UserId
);
id_type!(
    /// An API token.
    TokenId
);
id_type!(
    /// A ticket.
    TicketId
);
id_type!(
    /// An event on a ticket's timeline.
    EventId
);

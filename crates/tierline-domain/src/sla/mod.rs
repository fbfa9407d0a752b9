//! SLA policies (targets per request class) and the clocks that time a request against them.

mod clock;
mod policy;

pub use clock::{Clock, ClockSnapshot, ClockState, Pause, WarningShare};
pub use policy::{Class, ClassTargets, ClockKind, SlaError, SlaPolicy, Target, human_duration};

//! The domain crate's integration tests: one binary, a module per subject.

mod calendar_dst;
mod calendar_examples;
mod calendar_props;
mod helpers;
mod sla_clock;

//! The domain crate's integration tests: one binary, a module per subject.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly; helpers outside #[test] functions too"
)]

mod availability_props;
mod calendar_dst;
mod calendar_examples;
mod calendar_props;
mod cron_props;
mod event_roundtrip;
mod helpers;
mod reach_table;
mod sla_clock;
mod workflow_table;

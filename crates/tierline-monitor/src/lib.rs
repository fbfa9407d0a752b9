//! tierline's Stability monitoring (SPEC §6): the checks and the runner that schedules them.
//!
//! A check (HTTP, TCP, TLS expiry, heartbeat) gives a [`Verdict`]; the runner claims due
//! monitors from the store, runs their checks with bounded concurrency, feeds the verdicts to
//! the domain's state machine and records what it confirms (health changes, incidents,
//! recoveries) through the store. Results are buffered and written compactly. Alert webhooks'
//! payloads are read by `tierline_domain::alerts`; their HTTP side is in `tierline-web`.

mod check;
mod reach;
mod runner;
mod tls;

pub use check::{Checker, Verdict};
pub use runner::{Runner, RunnerConfig, RunnerStats};
pub use tls::{install_crypto_provider, roots_from_pem_file, tls_config};

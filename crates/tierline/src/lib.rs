//! tierline, the binary's library: every command, and [`Application`], the app wired once for
//! `serve` and the test kit.

mod admin;
mod classify;
pub mod cli;
pub mod config;
mod demo;
pub mod server;
mod sla_eval;
mod sla_explain;
pub mod startup;
mod tasks;
mod telemetry;

pub use startup::{Application, Jobs, MonitorSettings, Settings};

//! The tierline binary: parses the command line and hands over to the command asked for.

mod admin;
mod classify;
mod cli;
mod demo;
mod server;
mod sla_eval;
mod sla_explain;
mod tasks;
mod telemetry;

fn main() -> std::process::ExitCode {
    cli::run()
}

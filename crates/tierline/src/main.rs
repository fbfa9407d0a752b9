//! The tierline binary: parses the command line and hands over to the command asked for.

mod cli;
mod sla_eval;
mod sla_explain;

fn main() -> std::process::ExitCode {
    cli::run()
}

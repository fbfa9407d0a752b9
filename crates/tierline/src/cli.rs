//! The command line: one subcommand per role of the binary.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use jiff::Timestamp;

/// tierline: a self-hosted IT service desk with exact SLA clocks.
#[derive(Debug, Parser)]
#[command(name = "tierline", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// SLA computations: evaluate calendar queries, explain a request's due times.
    #[command(subcommand)]
    Sla(SlaCommand),
}

#[derive(Debug, Subcommand)]
enum SlaCommand {
    /// Reads JSON Lines queries on stdin and writes one JSON answer per line, in order.
    ///
    /// Each line: {"calendar": CAL, "op": "add" | "between" | "next_open" | "is_covered" |
    /// "clock", ...}. See docs/SLA.md for every field. A bad line gets {"error": "..."} and the
    /// run goes on.
    Eval,
    /// Shows when a request's reaction and resolution are due, and which covered windows count.
    Explain(ExplainArgs),
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Coverage presets joined by '+': base, evening, saturday, sunday, weekends, weekends-long, 24x7.
    #[arg(long, default_value = "base")]
    pub coverage: String,
    /// The customer's IANA time zone.
    #[arg(long, default_value = "UTC")]
    pub tz: String,
    /// When the request arrived (RFC 3339, e.g. 2026-11-20T18:25:00+02:00).
    #[arg(long)]
    pub start: Timestamp,
    /// The request class, 1 to 6.
    #[arg(long, value_parser = clap::value_parser!(i64).range(1..=6))]
    pub class: i64,
    /// Use the Stability add-on's targets.
    #[arg(long)]
    pub stability: bool,
    /// Holidays from an iCalendar file (all-day events).
    #[arg(long, value_name = "FILE.ics")]
    pub holidays: Option<PathBuf>,
    /// The individual target agreed for this request, in minutes (for "individual" cells).
    #[arg(long, value_name = "MINUTES")]
    pub individual_minutes: Option<u32>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs the command line and turns any error into a message and a failing exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Sla(SlaCommand::Eval) => {
            let stdin = io::stdin().lock();
            let stdout = io::stdout().lock();
            crate::sla_eval::run(stdin, stdout).map_err(anyhow::Error::from)
        }
        Command::Sla(SlaCommand::Explain(args)) => {
            crate::sla_explain::run(&args, io::stdout().lock())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`tierline sla eval | head`) is the reader's choice, not a failure.
        Err(e)
            if e.downcast_ref::<io::Error>()
                .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = writeln!(io::stderr(), "error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

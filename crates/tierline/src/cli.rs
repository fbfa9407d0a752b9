//! The command line: one subcommand per role of the binary. Each command's module owns its
//! arguments; this file only composes them and dispatches.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

/// tierline: a self-hosted IT service desk with exact SLA clocks.
#[derive(Debug, Parser)]
#[command(name = "tierline", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    db: DbArgs,
    #[command(subcommand)]
    command: Command,
}

/// Where the data lives; shared by every command that opens the database.
#[derive(Debug, Args, Clone)]
pub struct DbArgs {
    /// The database: an SQLite file (created if missing) or postgres://user@host/db.
    #[arg(
        long,
        env = "TIERLINE_DB",
        default_value = "tierline.db",
        global = true
    )]
    pub db: String,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Runs the service desk: migrates the database, then serves the API.
    Serve(crate::server::ServeArgs),
    /// Applies the database migrations and exits.
    Migrate,
    /// Loads sample data (customers, contracts, agents, three months of tickets) into the database.
    Demo,
    /// Manages users.
    #[command(subcommand)]
    User(UserCommand),
    /// Manages API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Prints the OpenAPI document of the REST API.
    Openapi,
    /// Classifies requests read as JSON Lines on stdin ({"subject", "body"}), or measures the classifier.
    Classify(crate::classify::ClassifyArgs),
    /// SLA computations: evaluate calendar queries, explain a request's due times.
    #[command(subcommand)]
    Sla(SlaCommand),
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Creates a user (the first administrator, say).
    Add(crate::admin::UserAddArgs),
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Creates an API token for a user and prints it once.
    Create(crate::admin::TokenCreateArgs),
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
    Explain(crate::sla_explain::ExplainArgs),
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?)
}

/// Runs the command line and turns any error into a message and a failing exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    let db = cli.db.db;
    let result = match cli.command {
        Command::Serve(args) => {
            crate::telemetry::init(args.log_format == "json");
            runtime().and_then(|rt| rt.block_on(crate::server::serve(&db, &args)))
        }
        Command::Migrate => runtime().and_then(|rt| {
            rt.block_on(async {
                let store = crate::server::open(&db).await?;
                store.close().await;
                writeln!(io::stdout(), "migrated {}", crate::server::redact(&db))?;
                Ok(())
            })
        }),
        Command::Demo => {
            runtime().and_then(|rt| rt.block_on(crate::demo::run(&db, io::stdout().lock())))
        }
        Command::User(UserCommand::Add(args)) => runtime()
            .and_then(|rt| rt.block_on(crate::admin::user_add(&db, &args, io::stdout().lock()))),
        Command::Token(TokenCommand::Create(args)) => runtime().and_then(|rt| {
            rt.block_on(crate::admin::token_create(&db, &args, io::stdout().lock()))
        }),
        Command::Openapi => writeln!(io::stdout(), "{}", tierline_web::openapi_document())
            .map_err(anyhow::Error::from),
        Command::Classify(args) => crate::classify::dispatch(args),
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

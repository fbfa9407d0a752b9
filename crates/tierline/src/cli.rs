//! The command line: one subcommand per role of the binary. Each command's module owns its
//! arguments; this file only composes them and dispatches.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};

/// tierline: a self-hosted IT service desk with exact SLA clocks.
#[derive(Debug, Parser)]
#[command(name = "tierline", version, about, long_about = None)]
struct Cli {
    #[command(flatten)]
    db: DbArgs,
    /// A TOML configuration file whose keys are the flags' names (see docs/tierline.example.toml);
    /// variables and flags override it.
    #[arg(long, env = "TIERLINE_CONFIG", global = true)]
    config: Option<std::path::PathBuf>,
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
    let matches = Cli::command().get_matches();
    let result = layered(&matches).and_then(dispatch);
    finish(result)
}

/// The command line, with the configuration file filling what flags and variables did not set.
fn layered(matches: &clap::ArgMatches) -> anyhow::Result<Cli> {
    let mut cli = Cli::from_arg_matches(matches).map_err(anyhow::Error::from)?;
    if let Some(path) = &cli.config {
        let file = crate::config::FileConfig::load(path)?;
        file.apply_db(&mut cli.db.db, matches);
        if let (Command::Serve(args), Some(("serve", m))) = (&mut cli.command, matches.subcommand())
        {
            file.apply_serve(args, m)?;
        }
    }
    Ok(cli)
}

/// `serve`'s database and settings as the layers make them, for tests of the layering.
pub fn serve_settings_from<I, T>(args: I) -> anyhow::Result<(String, crate::server::ServeArgs)>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let matches = Cli::command().try_get_matches_from(args)?;
    let cli = layered(&matches)?;
    match cli.command {
        Command::Serve(args) => Ok((cli.db.db, args)),
        _ => anyhow::bail!("not a serve command"),
    }
}

fn dispatch(cli: Cli) -> anyhow::Result<()> {
    let db = cli.db.db;
    match cli.command {
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
    }
}

fn finish(result: anyhow::Result<()>) -> ExitCode {
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

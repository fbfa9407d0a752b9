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
    Serve(ServeArgs),
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
    Classify(ClassifyArgs),
    /// SLA computations: evaluate calendar queries, explain a request's due times.
    #[command(subcommand)]
    Sla(SlaCommand),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The address to listen on.
    #[arg(long, env = "TIERLINE_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// Mark the session cookie Secure: set when users reach tierline over HTTPS (a proxy in front).
    #[arg(long, env = "TIERLINE_SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Classifier confidence under which a new ticket waits on line 1 for qualification (0 to 1).
    #[arg(long, env = "TIERLINE_CLASSIFY_THRESHOLD", default_value_t = tierline_classify::DEFAULT_THRESHOLD)]
    pub classify_threshold: f32,
    /// A reverse proxy (an address or a CIDR network) whose `X-Forwarded-For` names the client,
    /// for per-client limits; repeat it or separate with commas. None by default: the TCP peer
    /// is the client.
    #[arg(long = "trusted-proxy", env = "TIERLINE_TRUSTED_PROXY", value_delimiter = ',', value_parser = tierline_web::TrustedProxies::parse_one)]
    pub trusted_proxy: Vec<ipnet::IpNet>,
    /// How SQLite makes an acknowledged request durable: `full` (on disk before the answer; the
    /// default) or `normal` (faster; survives a crash of tierline but not a power loss).
    #[arg(long, env = "TIERLINE_SQLITE_SYNCHRONOUS", default_value = "full", value_parser = ["full", "normal"])]
    pub sqlite_synchronous: String,
    /// Log format: text or json.
    #[arg(long, env = "TIERLINE_LOG_FORMAT", default_value = "text", value_parser = ["text", "json"])]
    pub log_format: String,
    /// Stability monitoring on this node.
    #[command(flatten)]
    pub monitor: MonitorArgs,
}

/// How this node takes part in monitoring; nodes on one database share the monitors.
#[derive(Debug, Clone, Args)]
pub struct MonitorArgs {
    /// Run no checks on this node (webhooks and heartbeats are still received).
    #[arg(long, env = "TIERLINE_NO_MONITORS")]
    pub no_monitors: bool,
    /// Checks running at once on this node.
    #[arg(long, env = "TIERLINE_MONITOR_CONCURRENCY", default_value_t = 512)]
    pub monitor_concurrency: usize,
    /// Days raw check results are kept (then per-hour counts for 90 days, per-day for 3 years).
    #[arg(long, env = "TIERLINE_MONITOR_RAW_DAYS", default_value_t = 14)]
    pub monitor_raw_days: i64,
    /// A PEM file of CA certificates to trust beside the Mozilla roots (a customer's private CA).
    #[arg(long, env = "TIERLINE_MONITOR_CA_FILE")]
    pub monitor_ca_file: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ClassifyArgs {
    #[command(subcommand)]
    action: Option<ClassifyAction>,
}

#[derive(Debug, Subcommand)]
enum ClassifyAction {
    /// Accuracy, macro-F1 and the confusion matrix on a labelled JSON Lines file ("class" on each line).
    Eval {
        /// The labelled file.
        file: PathBuf,
    },
    /// Stratified k-fold cross-validation on a labelled file (the shipped set if none is given).
    Cv {
        /// The labelled file.
        file: Option<PathBuf>,
        /// Number of folds.
        #[arg(long, default_value_t = 5)]
        folds: usize,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Creates a user (the first administrator, say).
    Add(UserAddArgs),
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// Sign-in email.
    #[arg(long)]
    pub email: String,
    /// Display name (the email if left out).
    #[arg(long)]
    pub name: Option<String>,
    /// admin, agent, customer or vendor.
    #[arg(long)]
    pub role: String,
    /// The customer a customer user belongs to (its id).
    #[arg(long)]
    pub customer: Option<i64>,
    /// Support lines of an agent, e.g. --lines 1,2.
    #[arg(long, value_delimiter = ',')]
    pub lines: Vec<u8>,
    /// Read a password from the first line of stdin (for signing in to the web app).
    #[arg(long)]
    pub password_stdin: bool,
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Creates an API token for a user and prints it once.
    Create(TokenCreateArgs),
}

#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    /// The user's email.
    #[arg(long)]
    pub email: String,
    /// What the token is for.
    #[arg(long, default_value = "cli")]
    pub name: String,
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
            runtime().and_then(|rt| {
                rt.block_on(crate::server::serve(
                    &db,
                    args.listen,
                    args.secure_cookies,
                    args.classify_threshold,
                    tierline_web::TrustedProxies::new(args.trusted_proxy),
                    if args.sqlite_synchronous == "normal" {
                        tierline_store::SqliteSync::Normal
                    } else {
                        tierline_store::SqliteSync::Full
                    },
                    &args.monitor,
                ))
            })
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
        Command::Classify(args) => match args.action {
            None => crate::classify::run(io::stdin().lock(), io::stdout().lock()),
            Some(ClassifyAction::Eval { file }) => {
                crate::classify::eval(&file, io::stdout().lock())
            }
            Some(ClassifyAction::Cv { file, folds }) => {
                crate::classify::cv(file.as_deref(), folds, io::stdout().lock())
            }
        },
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

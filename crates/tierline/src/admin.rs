//! `tierline user add` and `tierline token create`: what an operator runs on the server to let
//! the first people in.

use std::io::{BufRead, Write};

use anyhow::{Context, bail};
use jiff::Timestamp;
use tierline_domain::ticket::Line;
use tierline_store::{CustomerId, NewUser, Role};

use clap::Args;

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

#[derive(Debug, Args)]
pub struct TokenCreateArgs {
    /// The user's email.
    #[arg(long)]
    pub email: String,
    /// What the token is for.
    #[arg(long, default_value = "cli")]
    pub name: String,
}

pub async fn user_add(db: &str, args: &UserAddArgs, mut out: impl Write) -> anyhow::Result<()> {
    let store = crate::server::open(db).await?;
    let password = if args.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from stdin")?;
        Some(line.trim_end_matches(['\r', '\n']).to_owned())
    } else {
        None
    };
    let lines = args
        .lines
        .iter()
        .map(|&n| Line::try_from(i64::from(n)).map_err(anyhow::Error::from))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let role = match args.role.as_str() {
        "admin" => Role::Admin,
        "agent" => Role::Agent,
        "customer" => Role::Customer,
        "vendor" => Role::Vendor,
        other => bail!("unknown role {other:?}: expected admin, agent, customer or vendor"),
    };
    let user = store
        .create_user(
            None,
            NewUser {
                email: args.email.clone(),
                name: args.name.clone().unwrap_or_else(|| args.email.clone()),
                role,
                customer_id: args.customer.map(CustomerId),
                lines,
                password,
            },
            Timestamp::now(),
        )
        .await?;
    writeln!(
        out,
        "created {} {} (id {})",
        user.role.as_str(),
        user.email,
        user.id
    )?;
    store.close().await;
    Ok(())
}

/// A password for the demo's users: random, printed once.
pub fn random_password() -> String {
    let secret = tierline_store::secrets::new_token().0;
    secret.chars().skip(3).take(16).collect()
}

pub async fn token_create(
    db: &str,
    args: &TokenCreateArgs,
    mut out: impl Write,
) -> anyhow::Result<()> {
    let store = crate::server::open(db).await?;
    let user = store
        .user_by_email(&args.email)
        .await?
        .with_context(|| format!("no user {}", args.email))?;
    let (_, secret) = store
        .create_token(None, user.id, &args.name, Timestamp::now())
        .await?;
    // The secret alone on stdout, so that scripts can capture it; it is not stored anywhere.
    writeln!(out, "{secret}")?;
    store.close().await;
    Ok(())
}

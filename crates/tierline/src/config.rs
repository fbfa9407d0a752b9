//! The configuration file: its keys are the flags' names (`listen = "127.0.0.1:8080"`,
//! `db = "…"`, `[monitor]` for the `--monitor-*` group). Layers, lowest first: the defaults in
//! code, this file, `TIERLINE_*` variables, flags. Clap already orders flags over variables over
//! defaults; the file fills what clap only has a default for. An unknown key is refused by name.
//!
//! Parsed with basic-toml (already in the tree, through the templates) and serde's
//! `deny_unknown_fields`, whose error names the key and the ones expected.

use std::path::{Path, PathBuf};

use clap::ArgMatches;
use clap::parser::ValueSource;
use serde::Deserialize;

use crate::server::ServeArgs;

/// A configuration file as written.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct FileConfig {
    db: Option<String>,
    listen: Option<std::net::SocketAddr>,
    secure_cookies: Option<bool>,
    classify_threshold: Option<f32>,
    trusted_proxy: Option<Vec<String>>,
    sqlite_synchronous: Option<String>,
    log_format: Option<String>,
    monitor: Option<MonitorSection>,
}

/// `[monitor]`: `--no-monitors` and the `--monitor-*` flags.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct MonitorSection {
    no_monitors: Option<bool>,
    concurrency: Option<usize>,
    raw_days: Option<i64>,
    ca_file: Option<PathBuf>,
}

impl std::fmt::Debug for FileConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A database URL may carry a password.
        f.debug_struct("FileConfig")
            .field("db", &self.db.as_deref().map(crate::server::redact))
            .field("listen", &self.listen)
            .finish_non_exhaustive()
    }
}

impl FileConfig {
    /// Reads and parses the file at `path`.
    pub fn load(path: &Path) -> anyhow::Result<FileConfig> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            anyhow::anyhow!("cannot read the configuration {}: {e}", path.display())
        })?;
        FileConfig::parse(&text)
            .map_err(|e| anyhow::anyhow!("the configuration {}: {e}", path.display()))
    }

    /// Parses a configuration's text.
    pub fn parse(text: &str) -> Result<FileConfig, basic_toml::Error> {
        basic_toml::from_str(text)
    }

    /// The database, where the command line left it at its default.
    pub fn apply_db(&self, db: &mut String, matches: &ArgMatches) {
        if let Some(v) = &self.db
            && defaulted(matches, "db")
        {
            v.clone_into(db);
        }
    }

    /// Fills `serve`'s settings that the command line left at their defaults.
    pub fn apply_serve(&self, args: &mut ServeArgs, m: &ArgMatches) -> anyhow::Result<()> {
        set(&mut args.listen, self.listen, m, "listen");
        set(
            &mut args.secure_cookies,
            self.secure_cookies,
            m,
            "secure_cookies",
        );
        set(
            &mut args.classify_threshold,
            self.classify_threshold,
            m,
            "classify_threshold",
        );
        if let Some(list) = &self.trusted_proxy
            && defaulted(m, "trusted_proxy")
        {
            args.trusted_proxy = list
                .iter()
                .map(|p| {
                    tierline_web::TrustedProxies::parse_one(p)
                        .map_err(|e| anyhow::anyhow!("trusted-proxy {p:?}: {e}"))
                })
                .collect::<anyhow::Result<_>>()?;
        }
        for (value, name, allowed) in [
            (
                &self.sqlite_synchronous,
                "sqlite_synchronous",
                ["full", "normal"],
            ),
            (&self.log_format, "log_format", ["text", "json"]),
        ] {
            if let Some(v) = value
                && !allowed.contains(&v.as_str())
            {
                anyhow::bail!(
                    "{}: {v:?} is not one of {allowed:?}",
                    name.replace('_', "-")
                );
            }
        }
        set(
            &mut args.sqlite_synchronous,
            self.sqlite_synchronous.clone(),
            m,
            "sqlite_synchronous",
        );
        set(
            &mut args.log_format,
            self.log_format.clone(),
            m,
            "log_format",
        );
        if let Some(mon) = &self.monitor {
            let a = &mut args.monitor;
            set(&mut a.no_monitors, mon.no_monitors, m, "no_monitors");
            set(
                &mut a.monitor_concurrency,
                mon.concurrency,
                m,
                "monitor_concurrency",
            );
            set(&mut a.monitor_raw_days, mon.raw_days, m, "monitor_raw_days");
            if mon.ca_file.is_some() && defaulted(m, "monitor_ca_file") {
                a.monitor_ca_file.clone_from(&mon.ca_file);
            }
        }
        Ok(())
    }
}

/// Whether the argument `id` got no flag and no variable (its default, or nothing).
fn defaulted(m: &ArgMatches, id: &str) -> bool {
    m.try_get_raw(id).is_ok()
        && !matches!(
            m.value_source(id),
            Some(ValueSource::CommandLine | ValueSource::EnvVariable)
        )
}

fn set<T>(slot: &mut T, value: Option<T>, m: &ArgMatches, id: &str) {
    if let Some(v) = value
        && defaulted(m, id)
    {
        *slot = v;
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly")]

    use super::FileConfig;

    fn file(text: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("tl_config_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!(
            "{:x}.toml",
            text.len() * 31 + text.bytes().map(usize::from).sum::<usize>()
        ));
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn an_unknown_key_is_refused_by_name() {
        let e = FileConfig::parse("listen = \"127.0.0.1:1\"\nlsiten = 3\n")
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("unknown field `lsiten`"), "{e}");
        let e = FileConfig::parse("[monitor]\nconcurency = 3\n")
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("unknown field `concurency`"), "{e}");
    }

    #[test]
    fn the_file_overrides_defaults_and_flags_override_the_file() {
        let path = file(
            "db = \"postgres://u:secret@h/db\"\nlisten = \"127.0.0.1:9000\"\nsecure-cookies = true\n\
             [monitor]\nconcurrency = 7\nraw-days = 3\n",
        );
        let p = path.to_str().unwrap();
        let (db, args) =
            crate::cli::serve_settings_from(["tierline", "--config", p, "serve"]).unwrap();
        assert_eq!(db, "postgres://u:secret@h/db");
        assert_eq!(args.listen.port(), 9000);
        assert!(args.secure_cookies);
        assert_eq!(args.monitor.monitor_concurrency, 7);
        assert_eq!(args.monitor.monitor_raw_days, 3);
        assert_eq!(args.log_format, "text", "a default the file does not set");

        let (db, args) = crate::cli::serve_settings_from([
            "tierline",
            "--config",
            p,
            "--db",
            "other.db",
            "serve",
            "--listen",
            "127.0.0.1:9100",
            "--monitor-concurrency",
            "9",
        ])
        .unwrap();
        assert_eq!(db, "other.db");
        assert_eq!(args.listen.port(), 9100);
        assert_eq!(args.monitor.monitor_concurrency, 9);
        assert_eq!(args.monitor.monitor_raw_days, 3, "still the file's");
    }

    #[test]
    fn a_file_with_an_unknown_key_stops_the_command_naming_it() {
        let path = file("listen = \"127.0.0.1:9000\"\nsecure_cookie = true\n");
        let e = crate::cli::serve_settings_from([
            "tierline",
            "--config",
            path.to_str().unwrap(),
            "serve",
        ])
        .err()
        .unwrap();
        assert!(
            format!("{e:#}").contains("unknown field `secure_cookie`"),
            "{e:#}"
        );
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let c = FileConfig::parse("db = \"postgres://u:secret@h/db\"\n").unwrap();
        assert!(!format!("{c:?}").contains("secret"));
    }
}

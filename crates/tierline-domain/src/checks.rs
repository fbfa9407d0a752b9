//! What a monitor checks, as an administrator describes it: parsed and checked once here, so
//! the executors never meet a half-valid definition.

use serde::{Deserialize, Serialize};

use crate::Class;
use crate::reach::{self, AddressClass, Target};

/// One check's definition, by kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CheckSpec {
    /// An HTTP(S) request; HTTPS certificates are always verified.
    Http {
        /// `http://` or `https://` URL.
        url: String,
        /// The method (`GET` when left out).
        #[serde(default = "default_method")]
        method: String,
        /// The status expected; any 2xx or 3xx when left out.
        #[serde(default)]
        expected_status: Option<u16>,
        /// A keyword the body must contain (or must not, with `keyword_absent`).
        #[serde(default)]
        keyword: Option<String>,
        /// Whether `keyword` must be absent instead.
        #[serde(default)]
        keyword_absent: bool,
        /// Slower than this many milliseconds is a failure.
        #[serde(default)]
        max_latency_ms: Option<u32>,
    },
    /// A TCP connection.
    Tcp {
        /// Host name or address.
        host: String,
        /// Port.
        port: u16,
    },
    /// A TLS certificate's expiry: failing from `warn_days` before it.
    Tls {
        /// Host name (also the name the certificate must be valid for).
        host: String,
        /// Port (443 when left out).
        #[serde(default = "default_tls_port")]
        port: u16,
        /// Days ahead of expiry from which the check fails (14 when left out).
        #[serde(default = "default_warn_days")]
        warn_days: u32,
    },
    /// A job that calls a secret URL, either every `period_secs` or on a `cron` schedule in
    /// `tz`; a call missing for longer than that and `grace_secs` is down.
    Heartbeat {
        /// How often the job calls (or give `cron`).
        #[serde(default)]
        period_secs: Option<u32>,
        /// When the job runs: five cron fields, e.g. `30 2 * * 1-5` (or give `period_secs`).
        #[serde(default)]
        cron: Option<String>,
        /// The time zone of `cron` (IANA name; UTC when left out).
        #[serde(default)]
        tz: Option<String>,
        /// How late a call may be.
        #[serde(default = "default_grace")]
        grace_secs: u32,
    },
}

fn default_method() -> String {
    "GET".to_owned()
}

fn default_tls_port() -> u16 {
    443
}

fn default_warn_days() -> u32 {
    14
}

fn default_grace() -> u32 {
    60
}

/// What is wrong with a check's definition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct CheckError {
    /// The field.
    pub field: &'static str,
    /// What is wrong.
    pub message: &'static str,
}

fn err(field: &'static str, message: &'static str) -> CheckError {
    CheckError { field, message }
}

impl CheckSpec {
    /// The kind's name as stored.
    pub fn kind(&self) -> &'static str {
        match self {
            CheckSpec::Http { .. } => "http",
            CheckSpec::Tcp { .. } => "tcp",
            CheckSpec::Tls { .. } => "tls",
            CheckSpec::Heartbeat { .. } => "heartbeat",
        }
    }

    /// The incident class when a monitor does not say: the whole application (3) for HTTP,
    /// a server-level failure (2) for the others.
    pub fn default_class(&self) -> Class {
        match self {
            CheckSpec::Http { .. } | CheckSpec::Tls { .. } => Class::ALL[2],
            CheckSpec::Tcp { .. } | CheckSpec::Heartbeat { .. } => Class::ALL[1],
        }
    }

    /// What it connects to (`None` for heartbeats, which connect to nothing): what an
    /// administrator's allowance to reach private addresses belongs to.
    pub fn target(&self) -> Option<Target> {
        match self {
            CheckSpec::Http { url, .. } => Some(Target::from_url(url)),
            CheckSpec::Tcp { host, port } | CheckSpec::Tls { host, port, .. } => {
                Some(Target::from_host(host, *port))
            }
            CheckSpec::Heartbeat { .. } => None,
        }
    }

    /// The class of the address it names literally, if it names one that is not public: such a
    /// monitor needs an administrator's allowance before it is saved (names are judged when
    /// they are resolved, at every check).
    pub fn literal_refusal(&self) -> Option<AddressClass> {
        let class = reach::classify(self.target()?.literal()?);
        (!class.is_public()).then_some(class)
    }

    /// Whether its downtime is the system's: a certificate about to expire is a warning, not an
    /// outage, so TLS monitors open incidents but stay out of availability.
    pub fn counts_for_availability(&self) -> bool {
        !matches!(self, CheckSpec::Tls { .. })
    }

    /// Checks the fields.
    pub fn validate(&self) -> Result<(), CheckError> {
        match self {
            CheckSpec::Http {
                url,
                method,
                expected_status,
                keyword,
                ..
            } => {
                let rest = url
                    .strip_prefix("http://")
                    .or_else(|| url.strip_prefix("https://"))
                    .ok_or(err("url", "must start with http:// or https://"))?;
                if rest.is_empty() || url.len() > 2048 || url.chars().any(char::is_whitespace) {
                    return Err(err("url", "must be a URL of at most 2048 characters"));
                }
                if !matches!(method.as_str(), "GET" | "HEAD" | "POST" | "PUT" | "OPTIONS") {
                    return Err(err("method", "must be GET, HEAD, POST, PUT or OPTIONS"));
                }
                if expected_status.is_some_and(|s| !(100..=599).contains(&s)) {
                    return Err(err("expected_status", "must be 100 to 599"));
                }
                if keyword
                    .as_ref()
                    .is_some_and(|k| k.is_empty() || k.len() > 1024)
                {
                    return Err(err("keyword", "must be 1 to 1024 bytes"));
                }
            }
            CheckSpec::Tcp { host, port } | CheckSpec::Tls { host, port, .. } => {
                if host.is_empty() || host.len() > 253 || host.chars().any(char::is_whitespace) {
                    return Err(err("host", "must be a host name or address"));
                }
                if *port == 0 {
                    return Err(err("port", "must be 1 to 65535"));
                }
            }
            CheckSpec::Heartbeat {
                period_secs,
                cron,
                tz,
                grace_secs,
            } => {
                match (period_secs, cron) {
                    (Some(p), None) if (10..=31 * 86_400).contains(p) => {}
                    (Some(_), None) => {
                        return Err(err("period_secs", "must be 10 seconds to 31 days"));
                    }
                    (None, Some(c)) => {
                        if c.parse::<crate::cron::Cron>().is_err() {
                            return Err(err(
                                "cron",
                                "must be five fields: minute hour day-of-month month day-of-week",
                            ));
                        }
                    }
                    _ => return Err(err("period_secs", "give either period_secs or cron")),
                }
                if tz
                    .as_deref()
                    .is_some_and(|z| jiff::tz::TimeZone::get(z).is_err())
                {
                    return Err(err("tz", "must be an IANA time zone"));
                }
                if *grace_secs > 86_400 {
                    return Err(err("grace_secs", "must be at most a day"));
                }
            }
        }
        Ok(())
    }
}

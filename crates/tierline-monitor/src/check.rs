//! The checks themselves: HTTP(S), TCP connect, TLS certificate expiry, heartbeat.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use rustls::pki_types::{CertificateDer, ServerName};
use tierline_domain::checks::CheckSpec;

use crate::reach::{self, VettingResolver};

/// Bodies are searched for keywords up to this size; the rest is not read.
const BODY_LIMIT: usize = 1024 * 1024;

/// HTTP clients kept for allowed hosts; past this many the cache starts afresh (they are few:
/// only an administrator gives an allowance).
const ALLOWED_CLIENTS: usize = 256;

/// What one check found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    /// Whether it passed.
    pub up: bool,
    /// How long it took.
    pub latency: Duration,
    /// Why it failed.
    pub message: Option<String>,
    /// When the failure began, if earlier than the check (a heartbeat's missed deadline).
    pub since: Option<Timestamp>,
}

impl Verdict {
    fn pass(latency: Duration) -> Verdict {
        Verdict {
            up: true,
            latency,
            message: None,
            since: None,
        }
    }

    fn fail(latency: Duration, message: impl Into<String>) -> Verdict {
        Verdict {
            up: false,
            latency,
            message: Some(message.into()),
            since: None,
        }
    }
}

/// Runs checks; holds the HTTP client (its connection pool is shared by every monitor) and the
/// TLS configuration.
///
/// Checks reach public addresses only (`tierline_domain::reach`), unless the monitor is allowed
/// private ones: the shared client's resolver and redirect policy refuse the rest. A monitor
/// allowed private addresses uses a client of its host's (kept, so its pool is shared too)
/// whose resolver and redirect policy let that host, and only that host, be private.
#[derive(Clone, Debug)]
pub struct Checker {
    http: reqwest::Client,
    allowed: Arc<Mutex<HashMap<String, reqwest::Client>>>,
    tls: Arc<rustls::ClientConfig>,
}

/// An HTTP client for checks: private addresses allowed at `allowed_host` only. No proxy: the
/// addresses vetted must be the ones connected to, and through a proxy they would be the
/// proxy's.
fn http_client(
    tls: &rustls::ClientConfig,
    allowed_host: Option<&str>,
) -> reqwest::Result<reqwest::Client> {
    let allowed_host = allowed_host.map(str::to_owned);
    reqwest::Client::builder()
        .use_preconfigured_tls(tls.clone())
        .user_agent(concat!("tierline-monitor/", env!("CARGO_PKG_VERSION")))
        .pool_idle_timeout(Duration::from_secs(90))
        .no_proxy()
        .dns_resolver(Arc::new(VettingResolver {
            allowed_host: allowed_host.clone(),
        }))
        .redirect(reach::redirect_policy(allowed_host))
        .build()
}

impl Checker {
    /// A checker that trusts the Mozilla roots and `extra_roots`.
    pub fn new(extra_roots: &[CertificateDer<'static>]) -> Result<Checker, String> {
        let tls = crate::tls::tls_config(extra_roots).map_err(|e| e.to_string())?;
        let http = http_client(&tls, None).map_err(|e| e.to_string())?;
        Ok(Checker {
            http,
            allowed: Arc::default(),
            tls,
        })
    }

    /// The client for a check: the shared one, or the allowed host's.
    fn client(&self, allowed_host: Option<&str>) -> reqwest::Result<reqwest::Client> {
        let Some(host) = allowed_host else {
            return Ok(self.http.clone());
        };
        let mut clients = self
            .allowed
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(c) = clients.get(host) {
            return Ok(c.clone());
        }
        if clients.len() >= ALLOWED_CLIENTS {
            clients.clear();
        }
        let c = http_client(&self.tls, Some(host))?;
        clients.insert(host.to_owned(), c.clone());
        Ok(c)
    }

    /// Runs `spec` within `timeout`; `allow_private` says whether an administrator allowed its
    /// target to be a private address. Heartbeats need the last call and when the monitor
    /// began.
    pub async fn check(
        &self,
        spec: &CheckSpec,
        allow_private: bool,
        timeout: Duration,
        heartbeat_state: (Option<Timestamp>, Timestamp),
        now: Timestamp,
    ) -> Option<Verdict> {
        let started = Instant::now();
        // The host private addresses are allowed for, if they are.
        let allowed_host = spec.target().filter(|_| allow_private).map(|t| t.host);
        let verdict = match spec {
            CheckSpec::Http {
                url,
                method,
                expected_status,
                keyword,
                keyword_absent,
                max_latency_ms,
            } => {
                let fut = self.http_check(
                    allowed_host.as_deref(),
                    url,
                    method,
                    *expected_status,
                    keyword.as_deref(),
                    *keyword_absent,
                    started,
                );
                let mut v = tokio::time::timeout(timeout, fut)
                    .await
                    .unwrap_or_else(|_| Verdict::fail(started.elapsed(), "timed out"));
                if let Some(max) = max_latency_ms
                    && v.up
                    && v.latency > Duration::from_millis(u64::from(*max))
                {
                    v = Verdict::fail(
                        v.latency,
                        format!("answered in {} ms, over {max} ms", v.latency.as_millis()),
                    );
                }
                v
            }
            CheckSpec::Tcp { host, port } => {
                match tokio::time::timeout(timeout, reach::connect(host, *port, allow_private))
                    .await
                {
                    Ok(Ok(_)) => Verdict::pass(started.elapsed()),
                    Ok(Err(e)) => Verdict::fail(started.elapsed(), e.to_string()),
                    Err(_) => Verdict::fail(started.elapsed(), "timed out"),
                }
            }
            CheckSpec::Tls {
                host,
                port,
                warn_days,
            } => tokio::time::timeout(
                timeout,
                self.tls(host, *port, allow_private, *warn_days, now, started),
            )
            .await
            .unwrap_or_else(|_| Verdict::fail(started.elapsed(), "timed out")),
            CheckSpec::Heartbeat {
                period_secs,
                cron,
                tz,
                grace_secs,
            } => heartbeat(
                *period_secs,
                cron.as_deref(),
                tz.as_deref(),
                *grace_secs,
                heartbeat_state,
                now,
            )?,
        };
        Some(verdict)
    }

    /// An HTTP check with the client its allowance calls for.
    #[allow(
        clippy::too_many_arguments,
        reason = "one HTTP check's settings as the definition holds them"
    )]
    async fn http_check(
        &self,
        allowed_host: Option<&str>,
        url: &str,
        method: &str,
        expected: Option<u16>,
        keyword: Option<&str>,
        absent: bool,
        started: Instant,
    ) -> Verdict {
        // An address written in the URL is connected to without the resolver: vet it here
        // (redirects' are vetted by the client's policy).
        if let Ok(u) = reqwest::Url::parse(url)
            && let Err(refused) = reach::vet_url(&u, allowed_host)
        {
            return Verdict::fail(started.elapsed(), refused.to_string());
        }
        match self.client(allowed_host) {
            Ok(client) => http(&client, url, method, expected, keyword, absent, started).await,
            Err(e) => Verdict::fail(started.elapsed(), describe(&e)),
        }
    }

    async fn tls(
        &self,
        host: &str,
        port: u16,
        allow_private: bool,
        warn_days: u32,
        now: Timestamp,
        started: Instant,
    ) -> Verdict {
        let name = match ServerName::try_from(host.to_owned()) {
            Ok(n) => n,
            Err(e) => return Verdict::fail(started.elapsed(), format!("bad host name: {e}")),
        };
        let tcp = match reach::connect(host, port, allow_private).await {
            Ok(s) => s,
            Err(e) => return Verdict::fail(started.elapsed(), e.to_string()),
        };
        let connector = tokio_rustls::TlsConnector::from(self.tls.clone());
        let stream = match connector.connect(name, tcp).await {
            Ok(s) => s,
            Err(e) => {
                return Verdict::fail(started.elapsed(), format!("TLS handshake failed: {e}"));
            }
        };
        let latency = started.elapsed();
        let Some(leaf) = stream
            .get_ref()
            .1
            .peer_certificates()
            .and_then(|c| c.first())
        else {
            return Verdict::fail(latency, "no certificate");
        };
        let not_after = match x509_parser::parse_x509_certificate(leaf.as_ref()) {
            Ok((_, cert)) => cert.validity().not_after.timestamp(),
            Err(e) => return Verdict::fail(latency, format!("unreadable certificate: {e}")),
        };
        let left = not_after - now.as_second();
        if left < i64::from(warn_days) * 86_400 {
            return Verdict::fail(
                latency,
                format!(
                    "the certificate expires in {} days",
                    left.div_euclid(86_400)
                ),
            );
        }
        Verdict::pass(latency)
    }
}

/// An HTTP check with `client`.
async fn http(
    client: &reqwest::Client,
    url: &str,
    method: &str,
    expected: Option<u16>,
    keyword: Option<&str>,
    absent: bool,
    started: Instant,
) -> Verdict {
    let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
    let mut resp = match client.request(method, url).send().await {
        Ok(r) => r,
        Err(e) => return Verdict::fail(started.elapsed(), describe(&e)),
    };
    let status = resp.status().as_u16();
    // The body is read either way: a connection is only reused once its body is consumed.
    let mut body = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(c)) => {
                if body.len() < BODY_LIMIT {
                    body.extend_from_slice(&c[..c.len().min(BODY_LIMIT - body.len())]);
                }
            }
            Ok(None) => break,
            Err(e) => return Verdict::fail(started.elapsed(), describe(&e)),
        }
    }
    let latency = started.elapsed();
    let status_ok = match expected {
        Some(s) => status == s,
        None => (200..400).contains(&status),
    };
    if !status_ok {
        return Verdict::fail(latency, format!("status {status}"));
    }
    if let Some(k) = keyword {
        let found = contains(&body, k.as_bytes());
        if found == absent {
            return Verdict::fail(
                latency,
                if absent {
                    format!("the body contains {k:?}")
                } else {
                    format!("the body does not contain {k:?}")
                },
            );
        }
    }
    Verdict::pass(latency)
}

/// A heartbeat's verdict from its last call (and the monitor's creation): `None` while nothing
/// can be said yet (no run was due since the monitor began).
fn heartbeat(
    period_secs: Option<u32>,
    cron: Option<&str>,
    tz: Option<&str>,
    grace_secs: u32,
    (last, created): (Option<Timestamp>, Timestamp),
    now: Timestamp,
) -> Option<Verdict> {
    let grace = SignedDuration::from_secs(i64::from(grace_secs));
    // The instant by which a call was due, and whether it came.
    let (deadline, called) = match (period_secs, cron) {
        (Some(p), _) => {
            let reference = last.unwrap_or(created);
            let deadline = reference
                .checked_add(SignedDuration::from_secs(i64::from(p)))
                .ok()?
                .checked_add(grace)
                .ok()?;
            if now <= deadline {
                // Within the period: up if it was ever called, nothing said otherwise.
                return last.map(|_| Verdict::pass(Duration::ZERO));
            }
            (deadline, false)
        }
        (None, Some(c)) => {
            let schedule: tierline_domain::cron::Cron = c.parse().ok()?;
            let zone = match tz {
                Some(z) => jiff::tz::TimeZone::get(z).ok()?,
                None => jiff::tz::TimeZone::UTC,
            };
            // The latest run whose grace has passed: a call must have come since it started.
            let run = schedule.latest_at_or_before(now.checked_sub(grace).ok()?, &zone)?;
            if run < created {
                return None;
            }
            (run.checked_add(grace).ok()?, last.is_some_and(|t| t >= run))
        }
        (None, None) => return None,
    };
    if called {
        return Some(Verdict::pass(Duration::ZERO));
    }
    let mut v = Verdict::fail(
        Duration::ZERO,
        match last {
            Some(t) => format!("no call since {t}"),
            None => "never called".to_owned(),
        },
    );
    v.since = Some(deadline);
    Some(v)
}

fn describe(e: &reqwest::Error) -> String {
    // A refused address (found by the resolver or the redirect policy) is said plainly.
    if let Some(refused) = reach::refusal_in(e) {
        return refused.to_string();
    }
    // reqwest's own message is terse ("error sending request"); the cause says what happened.
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

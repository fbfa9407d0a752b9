//! Keeping checks to the addresses they may reach (`tierline_domain::reach`), applied to the
//! addresses actually connected to.
//!
//! - Names are resolved once, by the resolver the connection then uses: reqwest's DNS resolver
//!   is [`VettingResolver`], and TCP and TLS checks connect to the very addresses they vetted,
//!   so a name cannot resolve to a public address for the check and a private one for the
//!   connection (DNS rebinding).
//! - Addresses written literally skip the resolver: a URL's host is vetted before the request
//!   and on every redirect (the redirect policy), the TCP and TLS hosts by the resolver step.
//! - A monitor an administrator allowed may reach private addresses at its own target's host
//!   only; a redirect to any other host is held to the default rule.

use std::net::SocketAddr;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::redirect;
use tierline_domain::reach::{AddressClass, Target, classify};

/// A check refused because of where it would connect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.refusal())]
pub struct Refused(pub AddressClass);

/// The first address that is not public, as a refusal.
pub fn vet(addrs: &[SocketAddr]) -> Result<(), Refused> {
    match addrs
        .iter()
        .map(|a| classify(a.ip()))
        .find(|c| !c.is_public())
    {
        Some(class) => Err(Refused(class)),
        None => Ok(()),
    }
}

/// A host as [`Target`] writes it, for comparing a resolver's name with an allowed host.
fn same_host(name: &str, allowed: Option<&str>) -> bool {
    allowed.is_some_and(|a| name.trim_end_matches('.').eq_ignore_ascii_case(a))
}

/// Vets a URL whose host is an address written literally (no resolver will be asked); names are
/// left to [`VettingResolver`].
pub fn vet_url(url: &reqwest::Url, allowed_host: Option<&str>) -> Result<(), Refused> {
    let target = Target::from_url(url.as_str());
    match target.literal() {
        Some(_) if same_host(&target.host, allowed_host) => Ok(()),
        Some(ip) => match classify(ip) {
            c if c.is_public() => Ok(()),
            c => Err(Refused(c)),
        },
        None => Ok(()),
    }
}

/// The redirect policy: reqwest's default (at most 10), with every hop vetted first.
pub fn redirect_policy(allowed_host: Option<String>) -> redirect::Policy {
    redirect::Policy::custom(
        move |attempt| match vet_url(attempt.url(), allowed_host.as_deref()) {
            Ok(()) => redirect::Policy::default().redirect(attempt),
            Err(refused) => attempt.error(refused),
        },
    )
}

/// reqwest's resolver: the system's (`getaddrinfo`, as reqwest's own default), refusing a name
/// any of whose addresses is not public, except the allowed host's.
#[derive(Clone, Debug)]
pub struct VettingResolver {
    /// The host private addresses are allowed for (`Target::host`), if any.
    pub allowed_host: Option<String>,
}

impl Resolve for VettingResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        let allowed = same_host(&host, self.allowed_host.as_deref());
        Box::pin(async move {
            let addrs: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if !allowed {
                vet(&addrs)?;
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// Why a TCP or TLS check could not connect.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// The target resolves to an address it may not reach.
    #[error(transparent)]
    Refused(#[from] Refused),
    /// Resolving or connecting failed.
    #[error("cannot connect: {0}")]
    Io(#[from] std::io::Error),
}

/// Resolves `host`, vets every address unless `allow_private`, and connects to the first of
/// them that answers: the addresses vetted are the addresses connected to.
pub async fn connect(
    host: &str,
    port: u16,
    allow_private: bool,
) -> Result<tokio::net::TcpStream, ConnectError> {
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host, port)).await?.collect();
    if !allow_private {
        vet(&addrs)?;
    }
    let mut last = None;
    for addr in addrs {
        match tokio::net::TcpStream::connect(addr).await {
            Ok(s) => return Ok(s),
            Err(e) => last = Some(e),
        }
    }
    Err(ConnectError::Io(last.unwrap_or_else(|| {
        std::io::Error::new(
            std::io::ErrorKind::NotFound,
            "the name resolves to no address",
        )
    })))
}

/// The refusal somewhere in an error's chain of causes, if there is one.
pub fn refusal_in(e: &(dyn std::error::Error + 'static)) -> Option<Refused> {
    let mut cur = Some(e);
    while let Some(err) = cur {
        if let Some(r) = err.downcast_ref::<Refused>() {
            return Some(*r);
        }
        cur = err.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> reqwest::Url {
        reqwest::Url::parse(s).unwrap()
    }

    #[test]
    fn literal_hosts_are_vetted_and_names_left_to_the_resolver() {
        let refused = |u: &str, allowed: Option<&str>| vet_url(&url(u), allowed).err();
        assert_eq!(
            refused("http://127.0.0.1:8080/", None),
            Some(Refused(AddressClass::Loopback))
        );
        assert_eq!(
            refused("http://169.254.169.254/latest/meta-data/", None),
            Some(Refused(AddressClass::LinkLocal))
        );
        assert_eq!(
            refused("http://[::ffff:a00:1]/", None),
            Some(Refused(AddressClass::Private))
        );
        assert_eq!(
            refused("http://2130706433/", None),
            Some(Refused(AddressClass::Loopback))
        );
        assert_eq!(refused("http://8.8.8.8/", None), None);
        assert_eq!(refused("http://localhost/", None), None, "the resolver's");
        // The allowance is for the monitor's own host, whatever the port or path...
        assert_eq!(refused("http://127.0.0.1:9/x", Some("127.0.0.1")), None);
        // ...and no other.
        assert_eq!(
            refused("http://127.0.0.2/", Some("127.0.0.1")),
            Some(Refused(AddressClass::Loopback))
        );
        assert_eq!(
            refused("http://10.0.0.1/", Some("localhost")),
            Some(Refused(AddressClass::Private))
        );
    }

    #[test]
    fn a_refusal_is_found_among_the_causes() {
        #[derive(Debug, thiserror::Error)]
        #[error("outer")]
        struct Outer(#[source] Box<dyn std::error::Error + Send + Sync>);
        let e = Outer(Box::new(Refused(AddressClass::Private)));
        assert_eq!(refusal_in(&e), Some(Refused(AddressClass::Private)));
        assert_eq!(
            refusal_in(&Outer(Box::new(std::io::Error::other("x")))),
            None
        );
        assert_eq!(
            Refused(AddressClass::Private).to_string(),
            "target address not allowed: private network"
        );
    }

    #[test]
    fn the_resolver_compares_names_as_targets_write_them() {
        assert!(same_host("LocalHost.", Some("localhost")));
        assert!(!same_host("localhost", None));
        assert!(!same_host("evil.example", Some("localhost")));
    }
}

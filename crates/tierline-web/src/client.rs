//! Who the client is, for per-client limits (sign-in, the lead form): the TCP peer, or, when the
//! peer is a reverse proxy we were told to trust (`--trusted-proxy`), the address it forwarded.
//!
//! `X-Forwarded-For` is read from the right: each trusted proxy appends the address it received
//! the request from, so the rightmost address that is not one of ours is the client. Anything
//! left of it was written by the client itself and is never believed. From an untrusted peer the
//! header is ignored whole.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use ipnet::IpNet;

use crate::{ApiError, AppState};

/// The networks of the reverse proxies whose forwarded address is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Arc<[IpNet]>);

impl TrustedProxies {
    /// Trusts these networks (addresses are taken as single-host networks).
    pub fn new(nets: Vec<IpNet>) -> TrustedProxies {
        TrustedProxies(nets.into())
    }

    /// Reads `CIDR` or a plain address, as `--trusted-proxy` takes them.
    pub fn parse_one(s: &str) -> Result<IpNet, String> {
        let s = s.trim();
        s.parse::<IpNet>()
            .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
            .map_err(|_| format!("{s:?} is not an IP address or a CIDR network"))
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|n| n.contains(&ip))
    }

    /// The client behind `peer`, given the request's `X-Forwarded-For` values in order.
    pub fn client<'a>(&self, peer: IpAddr, forwarded: impl Iterator<Item = &'a str>) -> IpAddr {
        let peer = canonical(peer);
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = forwarded.flat_map(|v| v.split(',')).collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            let Ok(ip) = hop.trim().parse::<IpAddr>().map(canonical) else {
                // A hop we cannot read ends what can be believed.
                break;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        client
    }
}

/// An IPv4 address written as IPv6 (`::ffff:a.b.c.d`) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The client's address, as limits count it.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<ClientIp, ApiError> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .ok_or_else(|| ApiError::internal("the server runs without peer addresses"))?;
        let forwarded = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok());
        Ok(ClientIp(state.trusted_proxies.client(peer, forwarded)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn the_rightmost_untrusted_hop_is_the_client() {
        let p = TrustedProxies::new(vec![
            TrustedProxies::parse_one("10.0.0.0/8").unwrap(),
            TrustedProxies::parse_one("127.0.0.1").unwrap(),
        ]);
        // Direct from a client: the header is the client's own words.
        assert_eq!(
            p.client(ip("203.0.113.9"), ["1.2.3.4"].into_iter()),
            ip("203.0.113.9")
        );
        // Through our proxy.
        assert_eq!(
            p.client(ip("127.0.0.1"), ["198.51.100.7"].into_iter()),
            ip("198.51.100.7")
        );
        // A forged left part is skipped; two of our proxies in a row are walked through.
        assert_eq!(
            p.client(
                ip("10.1.1.1"),
                ["6.6.6.6, 198.51.100.7", "10.2.2.2"].into_iter()
            ),
            ip("198.51.100.7")
        );
        // No header, or garbage: the proxy itself.
        assert_eq!(p.client(ip("127.0.0.1"), [].into_iter()), ip("127.0.0.1"));
        assert_eq!(
            p.client(ip("127.0.0.1"), ["unknown"].into_iter()),
            ip("127.0.0.1")
        );
        // IPv4 seen as mapped IPv6.
        assert_eq!(
            p.client(ip("::ffff:127.0.0.1"), ["::ffff:198.51.100.7"].into_iter()),
            ip("198.51.100.7")
        );
        assert!(TrustedProxies::parse_one("10.0.0.0/33").is_err());
        assert!(TrustedProxies::parse_one("proxy.internal").is_err());
    }

    #[test]
    fn nothing_is_trusted_by_default() {
        let p = TrustedProxies::default();
        assert_eq!(
            p.client(ip("127.0.0.1"), ["198.51.100.7"].into_iter()),
            ip("127.0.0.1")
        );
    }
}

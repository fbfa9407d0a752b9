//! Which network addresses a monitor may reach: the rule that keeps monitoring from being a way
//! into the desk's own network.
//!
//! A monitor's check is a request the desk makes on an agent's behalf, and its result (up, down,
//! how fast, why) is readable. Pointed at loopback, the private network or the cloud metadata
//! address (169.254.169.254) it would let anyone who may add a monitor map and probe what stands
//! behind the desk (server-side request forgery). So by default a check may only connect to
//! public unicast addresses; an administrator may allow one monitor's own target to be private
//! (`allow_private_targets`), and that allowance belongs to the target it was given for.
//!
//! The rule is applied by the checker to the addresses it actually connects to, after name
//! resolution and on every redirect; this module only says which addresses are which, and who
//! may hold the allowance.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// What kind of address an IP address is, as far as reaching it from the desk goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AddressClass {
    /// A public unicast address: monitors may reach it.
    Public,
    /// 127.0.0.0/8, ::1.
    Loopback,
    /// 0.0.0.0, :: (on Linux, connecting to them reaches the machine itself).
    Unspecified,
    /// 169.254.0.0/16 (cloud metadata lives here), fe80::/10.
    LinkLocal,
    /// 10/8, 172.16/12, 192.168/16, fc00::/7 (unique local), fec0::/10 (old site-local).
    Private,
    /// 100.64.0.0/10, carrier-grade NAT's shared address space.
    Shared,
    /// 224.0.0.0/4, ff00::/8.
    Multicast,
    /// 255.255.255.255.
    Broadcast,
    /// 192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32, 3fff::/20.
    Documentation,
    /// Everything else that is not public unicast: 0/8, 192.0.0/24, 198.18/15 (benchmarking),
    /// 192.88.99/24, 240/4; IPv6 outside 2000::/3, 100::/64, 2001::/23.
    Reserved,
}

/// The start of the message a refused check gives; [`AddressClass::refusal`] completes it.
pub const REFUSAL_PREFIX: &str = "target address not allowed: ";

impl AddressClass {
    /// The classes, public first.
    pub const ALL: [AddressClass; 10] = [
        AddressClass::Public,
        AddressClass::Loopback,
        AddressClass::Unspecified,
        AddressClass::LinkLocal,
        AddressClass::Private,
        AddressClass::Shared,
        AddressClass::Multicast,
        AddressClass::Broadcast,
        AddressClass::Documentation,
        AddressClass::Reserved,
    ];

    /// Whether a monitor may reach it without an administrator's allowance.
    pub fn is_public(self) -> bool {
        self == AddressClass::Public
    }

    /// A stable name (for translations and logs).
    pub fn code(self) -> &'static str {
        match self {
            AddressClass::Public => "public",
            AddressClass::Loopback => "loopback",
            AddressClass::Unspecified => "unspecified",
            AddressClass::LinkLocal => "link-local",
            AddressClass::Private => "private",
            AddressClass::Shared => "shared",
            AddressClass::Multicast => "multicast",
            AddressClass::Broadcast => "broadcast",
            AddressClass::Documentation => "documentation",
            AddressClass::Reserved => "reserved",
        }
    }

    /// In words, as the end of a refusal.
    pub fn describe(self) -> &'static str {
        match self {
            AddressClass::Public => "public address",
            AddressClass::Loopback => "loopback",
            AddressClass::Unspecified => "unspecified address",
            AddressClass::LinkLocal => "link-local",
            AddressClass::Private => "private network",
            AddressClass::Shared => "shared address space (carrier-grade NAT)",
            AddressClass::Multicast => "multicast",
            AddressClass::Broadcast => "broadcast",
            AddressClass::Documentation => "documentation range",
            AddressClass::Reserved => "reserved range",
        }
    }

    /// The check result of a refused target: `target address not allowed: private network`.
    pub fn refusal(self) -> String {
        format!("{REFUSAL_PREFIX}{}", self.describe())
    }

    /// The class a check result refused, if it is a refusal (for translating it where shown).
    pub fn from_refusal(message: &str) -> Option<AddressClass> {
        let rest = message.strip_prefix(REFUSAL_PREFIX)?;
        AddressClass::ALL
            .into_iter()
            .find(|c| !c.is_public() && c.describe() == rest)
    }
}

/// Classifies an address; IPv4 addresses written in IPv6 (mapped `::ffff:a.b.c.d`, the old
/// compatible `::a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`, 6to4 `2002:aabb:ccdd::`) are judged by the
/// IPv4 address they reach.
pub fn classify(ip: IpAddr) -> AddressClass {
    match ip {
        IpAddr::V4(a) => classify_v4(a),
        IpAddr::V6(a) => classify_v6(a),
    }
}

fn classify_v4(a: Ipv4Addr) -> AddressClass {
    let [o0, o1, o2, _] = a.octets();
    if a.is_unspecified() {
        AddressClass::Unspecified
    } else if a.is_loopback() {
        AddressClass::Loopback
    } else if a.is_private() {
        AddressClass::Private
    } else if o0 == 100 && (64..128).contains(&o1) {
        AddressClass::Shared
    } else if a.is_link_local() {
        AddressClass::LinkLocal
    } else if a.is_broadcast() {
        AddressClass::Broadcast
    } else if a.is_documentation() {
        AddressClass::Documentation
    } else if a.is_multicast() {
        AddressClass::Multicast
    } else if o0 == 0
        || (o0, o1, o2) == (192, 0, 0)
        || (o0, o1, o2) == (192, 88, 99)
        || (o0 == 198 && (o1 == 18 || o1 == 19))
        || o0 >= 240
    {
        AddressClass::Reserved
    } else {
        AddressClass::Public
    }
}

fn classify_v6(a: Ipv6Addr) -> AddressClass {
    let s = a.segments();
    let embedded = |hi: u16, lo: u16| {
        let [h0, h1] = hi.to_be_bytes();
        let [l0, l1] = lo.to_be_bytes();
        Ipv4Addr::new(h0, h1, l0, l1)
    };
    if a.is_unspecified() {
        return AddressClass::Unspecified;
    }
    if a.is_loopback() {
        return AddressClass::Loopback;
    }
    if let Some(v4) = a.to_ipv4_mapped() {
        return classify_v4(v4);
    }
    if s[..6] == [0; 6] {
        // `::a.b.c.d`, IPv4-compatible (deprecated): where it still routes, it reaches the IPv4
        // address; it is never a public IPv6 address in its own right.
        return match classify_v4(embedded(s[6], s[7])) {
            AddressClass::Public => AddressClass::Reserved,
            other => other,
        };
    }
    if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        // NAT64's well-known prefix translates to the IPv4 address in the last 32 bits.
        return classify_v4(embedded(s[6], s[7]));
    }
    if s[0] == 0x64 && s[1] == 0xff9b && s[2] == 1 {
        // 64:ff9b:1::/48, NAT64 for local use.
        return AddressClass::Private;
    }
    if s[0] == 0x2002 {
        // 6to4 carries an IPv4 address in bits 16 to 48.
        return match classify_v4(embedded(s[1], s[2])) {
            AddressClass::Public => AddressClass::Public,
            other => other,
        };
    }
    if s[0] & 0xff00 == 0xff00 {
        AddressClass::Multicast
    } else if s[0] & 0xffc0 == 0xfe80 {
        AddressClass::LinkLocal
    } else if s[0] & 0xfe00 == 0xfc00 || s[0] & 0xffc0 == 0xfec0 {
        AddressClass::Private
    } else if (s[0] == 0x2001 && s[1] == 0x0db8) || (s[0] == 0x3fff && s[1] < 0x1000) {
        AddressClass::Documentation
    } else if s[0] & 0xe000 != 0x2000 || (s[0] == 0x2001 && s[1] < 0x0200) {
        // Outside 2000::/3 (global unicast) nothing is public; 2001::/23 is the IETF's
        // protocol assignments (Teredo, ORCHID, benchmarking). 100::/64 (discard) is outside.
        AddressClass::Reserved
    } else {
        AddressClass::Public
    }
}

/// What a monitor's allowance belongs to: the host as written (lowercase, no trailing dot;
/// IPv6 in brackets as URLs write it) and the port.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Target {
    /// The host name or address.
    pub host: String,
    /// The port (for HTTP, the URL's or its scheme's).
    pub port: u16,
}

impl Target {
    /// A host and port as a TCP or TLS monitor names them.
    pub fn from_host(host: &str, port: u16) -> Target {
        // The WHATWG host parser, as for URLs: `127.1`, `0x7f.0.0.1` and `2130706433` are all
        // 127.0.0.1 to it, as they are to the system's resolver.
        let parsed = match host.parse::<Ipv6Addr>() {
            Ok(v6) => Ok(url::Host::Ipv6(v6)),
            Err(_) => url::Host::parse(host),
        };
        Target {
            host: parsed.map_or_else(|_| host.to_ascii_lowercase(), |h| host_text(&h)),
            port,
        }
    }

    /// An HTTP(S) URL's host and port. A URL that does not parse (the check will fail on it)
    /// is its own target.
    pub fn from_url(url: &str) -> Target {
        let parsed = url::Url::parse(url).ok().and_then(|u| {
            Some(Target {
                host: host_text(&u.host()?.to_owned()),
                port: u.port_or_known_default()?,
            })
        });
        parsed.unwrap_or_else(|| Target {
            host: url.to_owned(),
            port: 0,
        })
    }

    /// The address, when the host is one written literally (then no resolver is asked and it is
    /// the address connected to).
    pub fn literal(&self) -> Option<IpAddr> {
        let bare = self
            .host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(&self.host);
        bare.parse().ok()
    }
}

/// A host as compared: lowercase, without a trailing dot, IPv6 in brackets.
fn host_text(h: &url::Host<String>) -> String {
    match h {
        url::Host::Domain(d) => d.trim_end_matches('.').to_ascii_lowercase(),
        url::Host::Ipv4(a) => a.to_string(),
        url::Host::Ipv6(a) => format!("[{a}]"),
    }
}

/// Why a monitor's allowance cannot be as asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AllowanceError {
    /// Only an administrator may allow private targets (or keep an allowance for a new target).
    #[error("only administrators may allow a monitor to reach private addresses")]
    AdminOnly,
    /// Heartbeats reach nothing.
    #[error("applies to HTTP, TCP and TLS monitors only")]
    NotApplicable,
}

/// Whether a monitor may reach private addresses after it is created or changed.
///
/// - `requested`: what the request says (`None`: left out).
/// - `before`: the monitor's allowance and target before the change (`None` on creation).
/// - `target`: its target after it (`None` for heartbeats).
///
/// An administrator may set or clear the allowance. Anyone else may clear it, or leave it as it
/// was while the target (host and port) stays the same; a change of target clears it unless an
/// administrator sets it again in the same change. So an agent cannot give an allowance, and
/// cannot move one an administrator gave for one host onto another.
pub fn allowance(
    by_admin: bool,
    requested: Option<bool>,
    before: Option<(bool, Option<&Target>)>,
    target: Option<&Target>,
) -> Result<bool, AllowanceError> {
    let Some(target) = target else {
        return match requested {
            Some(true) => Err(AllowanceError::NotApplicable),
            _ => Ok(false),
        };
    };
    let kept = before.is_some_and(|(allowed, old)| allowed && old == Some(target));
    match requested {
        Some(true) if by_admin || kept => Ok(true),
        Some(true) => Err(AllowanceError::AdminOnly),
        Some(false) => Ok(false),
        None => Ok(kept),
    }
}

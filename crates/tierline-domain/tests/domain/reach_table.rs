//! Which addresses monitors may reach (the SSRF rule), address by address, and who may hold
//! the allowance to reach private ones.

use std::net::IpAddr;

use tierline_domain::checks::CheckSpec;
use tierline_domain::reach::{AddressClass, AllowanceError, Target, allowance, classify};

use AddressClass::*;

#[test]
fn every_range_is_classified() {
    let table: &[(&str, AddressClass)] = &[
        // IPv4
        ("8.8.8.8", Public),
        ("1.1.1.1", Public),
        ("93.184.215.14", Public),
        ("100.63.255.255", Public),
        ("100.128.0.0", Public),
        ("172.15.255.255", Public),
        ("172.32.0.0", Public),
        ("169.253.255.255", Public),
        ("223.255.255.255", Public),
        ("0.0.0.0", Unspecified),
        ("0.1.2.3", Reserved),
        ("127.0.0.1", Loopback),
        ("127.255.255.254", Loopback),
        ("10.0.0.1", Private),
        ("10.255.255.255", Private),
        ("172.16.0.1", Private),
        ("172.31.255.255", Private),
        ("192.168.1.1", Private),
        ("100.64.0.1", Shared),
        ("100.127.255.255", Shared),
        ("169.254.169.254", LinkLocal),
        ("169.254.0.1", LinkLocal),
        ("192.0.2.1", Documentation),
        ("198.51.100.7", Documentation),
        ("203.0.113.9", Documentation),
        ("224.0.0.1", Multicast),
        ("239.255.255.250", Multicast),
        ("255.255.255.255", Broadcast),
        ("240.0.0.1", Reserved),
        ("192.0.0.8", Reserved),
        ("198.18.0.1", Reserved),
        ("198.19.255.255", Reserved),
        ("192.88.99.1", Reserved),
        // IPv6
        ("2606:4700:4700::1111", Public),
        ("2a00:1450:4001::200e", Public),
        ("2001:4860:4860::8888", Public),
        ("::", Unspecified),
        ("::1", Loopback),
        ("fe80::1", LinkLocal),
        ("febf::1", LinkLocal),
        ("fc00::1", Private),
        ("fd12:3456::1", Private),
        ("fec0::1", Private),
        ("ff02::1", Multicast),
        ("2001:db8::1", Documentation),
        ("3fff::1", Documentation),
        ("3fff:1000::1", Public),
        ("100::1", Reserved),
        ("2001::1", Reserved),
        ("4000::1", Reserved),
        ("::2", Reserved),
        // IPv4 written in IPv6: judged by the IPv4 address they reach.
        ("::ffff:127.0.0.1", Loopback),
        ("::ffff:7f00:1", Loopback),
        ("::ffff:10.1.2.3", Private),
        ("::ffff:169.254.169.254", LinkLocal),
        ("::ffff:100.64.0.1", Shared),
        ("::ffff:0.0.0.0", Unspecified),
        ("::ffff:255.255.255.255", Broadcast),
        ("::ffff:8.8.8.8", Public),
        ("::127.0.0.1", Loopback),
        ("::8.8.8.8", Reserved),
        ("64:ff9b::127.0.0.1", Loopback),
        ("64:ff9b::a9fe:a9fe", LinkLocal),
        ("64:ff9b::8.8.8.8", Public),
        ("64:ff9b:1::1", Private),
        ("2002:7f00:1::1", Loopback),
        ("2002:c0a8:101::1", Private),
        ("2002:808:808::1", Public),
    ];
    for &(text, want) in table {
        let ip: IpAddr = text.parse().unwrap();
        assert_eq!(classify(ip), want, "{text}");
        assert_eq!(classify(ip).is_public(), want == Public, "{text}");
    }
}

#[test]
fn refusals_read_back_to_their_class() {
    assert_eq!(
        Private.refusal(),
        "target address not allowed: private network"
    );
    for c in AddressClass::ALL {
        let back = AddressClass::from_refusal(&c.refusal());
        assert_eq!(back, (!c.is_public()).then_some(c), "{c:?}");
    }
    assert_eq!(AddressClass::from_refusal("cannot connect: refused"), None);
    assert_eq!(
        AddressClass::from_refusal("target address not allowed: elsewhere"),
        None
    );
}

#[test]
fn targets_are_hosts_as_reqwest_and_the_resolver_read_them() {
    let t = |host: &str, port| Target {
        host: host.to_owned(),
        port,
    };
    let urls: &[(&str, Target)] = &[
        ("http://127.0.0.1:8080/health", t("127.0.0.1", 8080)),
        ("https://Shop.Example./", t("shop.example", 443)),
        ("http://shop.example/", t("shop.example", 80)),
        ("http://2130706433/", t("127.0.0.1", 80)),
        ("http://0x7f.1/", t("127.0.0.1", 80)),
        ("http://[::ffff:127.0.0.1]:81/", t("[::ffff:127.0.0.1]", 81)),
        ("http://user:pw@10.0.0.1/", t("10.0.0.1", 80)),
    ];
    for (url, want) in urls {
        assert_eq!(&Target::from_url(url), want, "{url}");
    }
    let hosts: &[(&str, Target)] = &[
        ("LocalHost", t("localhost", 22)),
        ("127.1", t("127.0.0.1", 22)),
        ("::1", t("[::1]", 22)),
        ("[::1]", t("[::1]", 22)),
        ("db.internal.", t("db.internal", 22)),
    ];
    for (host, want) in hosts {
        assert_eq!(&Target::from_host(host, 22), want, "{host}");
    }
    assert_eq!(
        Target::from_url("http://[::1]/").literal(),
        Some("::1".parse().unwrap())
    );
    assert_eq!(Target::from_host("localhost", 1).literal(), None);
}

#[test]
fn literal_private_targets_are_named_before_saving() {
    let http = |url: &str| CheckSpec::Http {
        url: url.to_owned(),
        method: "GET".into(),
        expected_status: None,
        keyword: None,
        keyword_absent: false,
        max_latency_ms: None,
    };
    let tcp = |host: &str| CheckSpec::Tcp {
        host: host.to_owned(),
        port: 5432,
    };
    assert_eq!(
        http("http://127.0.0.1:1/").literal_refusal(),
        Some(Loopback)
    );
    assert_eq!(
        http("http://169.254.169.254/latest/meta-data/").literal_refusal(),
        Some(LinkLocal)
    );
    assert_eq!(
        http("http://[::ffff:10.0.0.1]/").literal_refusal(),
        Some(Private)
    );
    assert_eq!(http("http://2130706433/").literal_refusal(), Some(Loopback));
    assert_eq!(http("https://shop.example/").literal_refusal(), None);
    assert_eq!(http("http://8.8.8.8/").literal_refusal(), None);
    assert_eq!(tcp("10.1.1.1").literal_refusal(), Some(Private));
    assert_eq!(tcp("127.1").literal_refusal(), Some(Loopback));
    assert_eq!(tcp("::1").literal_refusal(), Some(Loopback));
    // Names are judged when resolved, at every check.
    assert_eq!(tcp("localhost").literal_refusal(), None);
    let hb = CheckSpec::Heartbeat {
        period_secs: Some(60),
        cron: None,
        tz: None,
        grace_secs: 60,
    };
    assert_eq!(hb.literal_refusal(), None);
    assert_eq!(hb.target(), None);
}

/// (by an administrator, requested, before, after, expected)
type Row<'a> = (
    bool,
    Option<bool>,
    Option<(bool, Option<&'a Target>)>,
    Option<&'a Target>,
    Result<bool, AllowanceError>,
);

#[test]
fn only_administrators_give_the_allowance_and_it_stays_with_its_target() {
    let a = Target::from_host("10.0.0.5", 8080);
    let b = Target::from_host("10.0.0.6", 8080);
    let a_other_port = Target::from_host("10.0.0.5", 22);
    let (admin, agent) = (true, false);
    let table: &[Row] = &[
        // Creation.
        (admin, Some(true), None, Some(&a), Ok(true)),
        (admin, None, None, Some(&a), Ok(false)),
        (
            agent,
            Some(true),
            None,
            Some(&a),
            Err(AllowanceError::AdminOnly),
        ),
        (agent, Some(false), None, Some(&a), Ok(false)),
        (agent, None, None, Some(&a), Ok(false)),
        // An agent's edit keeps an administrator's allowance while the target stays...
        (agent, None, Some((true, Some(&a))), Some(&a), Ok(true)),
        (
            agent,
            Some(true),
            Some((true, Some(&a))),
            Some(&a),
            Ok(true),
        ),
        // ...and loses it with a new host or port.
        (agent, None, Some((true, Some(&a))), Some(&b), Ok(false)),
        (
            agent,
            None,
            Some((true, Some(&a))),
            Some(&a_other_port),
            Ok(false),
        ),
        (
            agent,
            Some(true),
            Some((true, Some(&a))),
            Some(&b),
            Err(AllowanceError::AdminOnly),
        ),
        // An agent cannot give one on an edit either, but may withdraw one.
        (
            agent,
            Some(true),
            Some((false, Some(&a))),
            Some(&a),
            Err(AllowanceError::AdminOnly),
        ),
        (
            agent,
            Some(false),
            Some((true, Some(&a))),
            Some(&a),
            Ok(false),
        ),
        // An administrator's change of target keeps it only when said again.
        (admin, None, Some((true, Some(&a))), Some(&b), Ok(false)),
        (
            admin,
            Some(true),
            Some((true, Some(&a))),
            Some(&b),
            Ok(true),
        ),
        (admin, None, Some((true, Some(&a))), Some(&a), Ok(true)),
        (
            admin,
            Some(false),
            Some((true, Some(&a))),
            Some(&a),
            Ok(false),
        ),
        // Heartbeats connect to nothing.
        (
            admin,
            Some(true),
            None,
            None,
            Err(AllowanceError::NotApplicable),
        ),
        (admin, None, None, None, Ok(false)),
        (agent, Some(false), None, None, Ok(false)),
    ];
    for (i, &(by_admin, requested, before, after, want)) in table.iter().enumerate() {
        assert_eq!(
            allowance(by_admin, requested, before, after),
            want,
            "row {i}"
        );
    }
}

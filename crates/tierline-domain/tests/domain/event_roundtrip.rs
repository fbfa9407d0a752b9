//! The typed timeline reads exactly what the store wrote before it was typed, and writes it back
//! unchanged: samples of every kind, and a property over generated entries.

use proptest::prelude::*;
use serde_json::{Value, json};
use tierline_domain::Class;
use tierline_domain::ids::UserId;
use tierline_domain::ticket::{Line, Status};
use tierline_domain::workflow::event::{Body, Reassigned, StatusMoved, TimeLogged};
use tierline_domain::workflow::{Event, Milestone};

/// `(kind, public, data)` as the store wrote them (copied from its `json!` calls).
fn samples() -> Vec<(&'static str, bool, Value)> {
    vec![
        (
            "created",
            true,
            json!({"status": "new", "class": 3, "line": 1, "channel": "portal"}),
        ),
        (
            "created",
            true,
            json!({"status": "new", "class": 2, "line": 1, "channel": "api",
                   "classified": {"class": 2, "confidence": 0.5, "reasons": ["word:down"], "needs_qualification": true}}),
        ),
        ("reply", true, json!({"body": "We are on it."})),
        ("note", false, json!({"body": "Looks like the disk."})),
        ("vendor_note", false, json!({"body": "Patched upstream."})),
        (
            "status",
            true,
            json!({"from": "new", "to": "open", "reason": null}),
        ),
        (
            "status",
            true,
            json!({"from": "resolved", "to": "open", "reason": "down again soon after recovering"}),
        ),
        (
            "class",
            false,
            json!({"from": 3, "to": 2, "reason": "server down", "qualified": true}),
        ),
        (
            "line",
            false,
            json!({"from": 1, "to": 2, "reason": "needs a developer"}),
        ),
        ("assignee", false, json!({"from": null, "to": 7})),
        ("group", false, json!({"from": 3, "to": null})),
        ("milestone", true, json!({"milestone": "spec_agreed"})),
        ("milestone", true, json!({"milestone": "work_started"})),
        (
            "vendor",
            false,
            json!({"vendor": "Hoster", "external_ref": "H-1", "vendor_status": null, "promise": "a fix",
                   "promised_by": "2026-03-02T10:00:00Z", "contact_id": 9}),
        ),
        ("vendor_unshared", false, json!({"vendor": "Hoster"})),
        (
            "attachment",
            true,
            json!({"attachment_id": 4, "file_name": "log.txt", "size": 120}),
        ),
        (
            "attachment",
            false,
            json!({"attachment_id": 5, "file_name": "dump.bin", "size": 1}),
        ),
        (
            "time",
            false,
            json!({"minutes": 30, "consultation": false, "note": "checked logs"}),
        ),
        (
            "sla_warning",
            false,
            json!({"clock": "reaction", "at": "2026-03-02T10:00:00Z"}),
        ),
        (
            "sla_breach",
            false,
            json!({"clock": "work_start", "at": "2026-03-02T10:00:00.5Z"}),
        ),
        (
            "monitor.down",
            true,
            json!({"monitor_id": 2, "monitor": "Home page", "since": "2026-03-02T10:00:00Z",
                   "detected_at": "2026-03-02T10:01:00Z", "reason": "timeout", "found_before_customer": true}),
        ),
        (
            "monitor.down",
            true,
            json!({"monitor_id": 2, "monitor": "Home page", "since": "2026-03-02T10:00:00Z",
                   "detected_at": "2026-03-02T10:01:00Z", "reason": "timeout", "flapping": false}),
        ),
        (
            "monitor.recovered",
            true,
            json!({"monitor_id": 2, "monitor": "Home page", "down_since": "2026-03-02T10:00:00Z",
                   "recovered_at": "2026-03-02T10:05:00Z", "downtime_secs": 300, "flapping": false}),
        ),
        (
            "alert.firing",
            true,
            json!({"source": "alertmanager", "fingerprint": "abc", "title": "Disk full", "detail": "",
                   "labels": {"severity": "page"}, "starts_at": "2026-03-02T10:00:00Z", "found_before_customer": false}),
        ),
        (
            "alert.resolved",
            true,
            json!({"source": "zabbix", "fingerprint": "abc", "title": "Disk full",
                   "started_at": "2026-03-02T10:00:00Z", "resolved_at": "2026-03-02T11:00:00Z", "duration_secs": 3600}),
        ),
    ]
}

#[test]
fn every_stored_kind_round_trips_exactly() {
    for (kind, public, data) in samples() {
        let e = Event::parse(kind, public, &data).unwrap_or_else(|err| panic!("{kind}: {err}"));
        assert_eq!(e.kind(), kind);
        assert_eq!(e.public(), public, "{kind}");
        assert_eq!(e.data(), data, "{kind}");
        // The text stored is the text `json!` wrote: objects keep their keys sorted.
        assert_eq!(e.data().to_string(), data.to_string(), "{kind}");
    }
}

#[test]
fn typed_payloads_are_read() {
    let e = Event::parse(
        "status",
        true,
        &json!({"from": "new", "to": "open", "reason": null}),
    )
    .unwrap();
    assert_eq!(
        e,
        Event::Status(StatusMoved {
            from: Status::New,
            to: Status::Open,
            reason: None
        })
    );
    let e = Event::parse("milestone", true, &json!({"milestone": "work_started"})).unwrap();
    assert!(matches!(e, Event::Milestone(m) if m.milestone == Milestone::WorkStarted));
}

#[test]
fn unknown_kinds_and_broken_data_are_refused() {
    assert!(Event::parse("teleported", true, &json!({})).is_err());
    assert!(Event::parse("status", true, &json!({"to": "nowhere"})).is_err());
}

fn status() -> impl Strategy<Value = Status> {
    prop::sample::select(vec![
        Status::New,
        Status::Open,
        Status::WaitingForCustomer,
        Status::Resolved,
        Status::Closed,
    ])
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        ".{0,40}".prop_map(|body| Event::Reply(Body { body })),
        ".{0,40}".prop_map(|body| Event::Note(Body { body })),
        (status(), status(), proptest::option::of(".{0,20}"))
            .prop_map(|(from, to, reason)| Event::Status(StatusMoved { from, to, reason })),
        (
            proptest::option::of(0i64..1000),
            proptest::option::of(0i64..1000)
        )
            .prop_map(|(f, t)| Event::Assignee(Reassigned {
                from: f.map(UserId),
                to: t.map(UserId)
            })),
        (1i64..=1440, any::<bool>(), ".{0,20}").prop_map(|(minutes, consultation, note)| {
            Event::Time(TimeLogged {
                minutes,
                consultation,
                note,
            })
        }),
        (1u8..=6, 1u8..=6, 1u8..=4, 1u8..=4).prop_map(|(a, b, l, m)| {
            let class = |n: u8| Class::try_from(i64::from(n)).unwrap();
            let line = |n: u8| Line::try_from(i64::from(n)).unwrap();
            if a % 2 == 0 {
                Event::Class(tierline_domain::workflow::event::ClassChanged {
                    from: class(a),
                    to: class(b),
                    reason: "r".into(),
                    qualified: l % 2 == 0,
                })
            } else {
                Event::Line(tierline_domain::workflow::event::LineChanged {
                    from: line(l),
                    to: line(m),
                    reason: "r".into(),
                })
            }
        }),
    ]
}

proptest! {
    #[test]
    fn serialise_then_parse_is_identity(e in event()) {
        let text = e.data().to_string();
        let data: Value = serde_json::from_str(&text).unwrap();
        prop_assert_eq!(Event::parse(e.kind(), e.public(), &data).unwrap(), e);
    }
}

//! The ticket workflow's rules as tables: role × command × state → allowed (with what it does) or
//! refused (with the reason). No database: the rules are pure.

use jiff::Timestamp;
use tierline_domain::Class;
use tierline_domain::contract::{Contract, ContractTerms};
use tierline_domain::ids::{CustomerId, UserId};
use tierline_domain::ticket::{Line, Status};
use tierline_domain::workflow::{
    Actor, Command, Decision, Effect, Event, Lookups, Milestone, NewFile, NewTimeEntry, Refusal,
    Role, TicketState, VendorBlock, decide,
};

use crate::helpers::ts;

const NOW: &str = "2026-11-16T10:00:00Z";

fn now() -> Timestamp {
    ts(NOW)
}

fn contract(lines: u8) -> Contract {
    let terms: ContractTerms = serde_json::from_value(serde_json::json!({
        "calendar": {"tz": "Europe/Kyiv", "coverage": "base"},
        "lines": lines,
    }))
    .unwrap();
    terms.validate().unwrap()
}

fn actor(role: Role) -> Actor {
    Actor {
        user_id: UserId(1),
        role,
        customer_id: (role == Role::Customer).then_some(CustomerId(7)),
        lines: Vec::new(),
    }
}

fn class(n: i64) -> Class {
    Class::try_from(n).unwrap()
}

fn line(n: i64) -> Line {
    Line::try_from(n).unwrap()
}

fn state(status: Status) -> TicketState {
    TicketState {
        customer: CustomerId(7),
        status,
        class: class(3),
        line: Line::FIRST,
        assignee: None,
        group: None,
        needs_qualification: false,
        first_response_at: None,
        resolved_at: None,
        spec_agreed_at: None,
        work_started_at: None,
        vendor: None,
        lookups: Lookups::default(),
    }
}

fn reply(public: bool) -> Command {
    Command::Reply {
        body: " Hello ".into(),
        public,
    }
}

fn to(s: Status) -> Command {
    Command::Status {
        to: s,
        reason: None,
    }
}

fn run(st: &TicketState, role: Role, c: &Command) -> Result<Decision, Refusal> {
    decide(st, &contract(3), &actor(role), c, now())
}

fn kinds(d: &Decision) -> Vec<&'static str> {
    d.events.iter().map(Event::kind).collect()
}

/// What a result comes to, for a table: the event kinds, or the refusal's field (or
/// `forbidden`).
fn outcome(r: &Result<Decision, Refusal>) -> String {
    match r {
        Ok(d) => kinds(d).join("+"),
        Err(Refusal::Forbidden(_)) => "forbidden".into(),
        Err(Refusal::Invalid { field, .. }) => format!("invalid:{field}"),
    }
}

use Role::*;
use Status::*;

#[test]
fn who_may_do_what() {
    let table: Vec<(Role, Command, Status, &str)> = vec![
        // Replies and notes.
        (Agent, reply(true), Open, "reply"),
        (Agent, reply(true), New, "reply+status"),
        (Admin, reply(false), New, "note"),
        (Customer, reply(true), Open, "reply"),
        (Customer, reply(false), Open, "forbidden"),
        (Customer, reply(true), WaitingForCustomer, "reply+status"),
        (Agent, reply(true), WaitingForCustomer, "reply"),
        (Vendor, reply(true), Open, "vendor_note"),
        (Vendor, reply(false), Open, "vendor_note"),
        (Agent, reply(true), Closed, "invalid:status"),
        (Customer, reply(true), Closed, "invalid:status"),
        // Status moves: customers only reopen or confirm a resolved ticket.
        (Agent, to(Open), New, "status"),
        (Agent, to(Resolved), Open, "status"),
        (Customer, to(Open), Resolved, "status"),
        (Customer, to(Closed), Resolved, "status"),
        (Customer, to(Resolved), Open, "forbidden"),
        (Customer, to(WaitingForCustomer), Open, "forbidden"),
        (Vendor, to(Resolved), Open, "forbidden"),
        (Agent, to(Closed), Open, "invalid:status"),
        (Agent, to(Open), Open, "invalid:status"),
        (Customer, to(New), Resolved, "invalid:status"),
        // Staff only.
        (
            Customer,
            Command::Reclassify {
                class: class(2),
                reason: "r".into(),
            },
            Open,
            "forbidden",
        ),
        (
            Vendor,
            Command::Escalate { reason: "r".into() },
            Open,
            "forbidden",
        ),
        (
            Customer,
            Command::Deescalate { reason: "r".into() },
            Open,
            "forbidden",
        ),
        (
            Customer,
            Command::Assign { assignee: None },
            Open,
            "forbidden",
        ),
        (Vendor, Command::Group { group: None }, Open, "forbidden"),
        (
            Customer,
            Command::Milestone(Milestone::SpecAgreed),
            Open,
            "forbidden",
        ),
        (
            Customer,
            Command::LogTime(NewTimeEntry {
                minutes: 5,
                ..NewTimeEntry::default()
            }),
            Open,
            "forbidden",
        ),
        (Vendor, Command::Attach { files: vec![] }, Open, "forbidden"),
        (
            Agent,
            Command::Reclassify {
                class: class(2),
                reason: "r".into(),
            },
            Open,
            "class",
        ),
        (
            Agent,
            Command::Reclassify {
                class: class(3),
                reason: "r".into(),
            },
            Open,
            "invalid:class",
        ),
        (
            Agent,
            Command::Reclassify {
                class: class(2),
                reason: "  ".into(),
            },
            Open,
            "invalid:reason",
        ),
        (
            Agent,
            Command::Escalate { reason: "r".into() },
            Open,
            "line",
        ),
        (
            Agent,
            Command::Deescalate { reason: "r".into() },
            Open,
            "invalid:line",
        ),
        (Agent, Command::Assign { assignee: None }, Open, "assignee"),
        (
            Agent,
            Command::Assign {
                assignee: Some(UserId(4)),
            },
            Open,
            "invalid:assignee_id",
        ),
        (
            Agent,
            Command::Group { group: Some(3) },
            Open,
            "invalid:group_id",
        ),
        (Agent, Command::Group { group: None }, Open, "group"),
        (
            Agent,
            Command::Milestone(Milestone::SpecAgreed),
            Open,
            "invalid:class",
        ),
    ];
    for (role, command, status, expected) in table {
        let got = outcome(&run(&state(status), role, &command));
        assert_eq!(got, expected, "{role:?} {command:?} on {status:?}");
    }
}

#[test]
fn the_first_public_staff_reply_meets_reaction_and_opens() {
    let d = run(&state(New), Agent, &reply(true)).unwrap();
    assert_eq!(d.state.first_response_at, Some(now()));
    assert_eq!(d.state.status, Open);
    assert_eq!(d.action, "ticket.reply");
    assert_eq!(
        d.effects,
        vec![Effect::Index {
            text: "Hello".into(),
            public: true
        }]
    );
    // A note meets nothing; a customer's reply meets nothing.
    let d = run(&state(New), Agent, &reply(false)).unwrap();
    assert_eq!(
        (d.state.first_response_at, d.state.status, d.action),
        (None, New, "ticket.note")
    );
    let d = run(&state(New), Customer, &reply(true)).unwrap();
    assert_eq!((d.state.first_response_at, d.state.status), (None, New));
    // A later reply keeps the first response.
    let mut st = state(Open);
    st.first_response_at = Some(ts("2026-11-16T09:00:00Z"));
    let d = run(&st, Agent, &reply(true)).unwrap();
    assert_eq!(d.state.first_response_at, st.first_response_at);
}

#[test]
fn acknowledging_a_new_ticket_meets_reaction_reopening_does_not() {
    let d = run(&state(New), Agent, &to(Open)).unwrap();
    assert_eq!(d.state.first_response_at, Some(now()));
    let d = run(&state(Resolved), Agent, &to(Open)).unwrap();
    assert_eq!(d.state.first_response_at, None);
    let d = run(&state(Open), Agent, &to(Resolved)).unwrap();
    assert_eq!(d.state.resolved_at, Some(now()));
    let mut st = state(Resolved);
    st.resolved_at = Some(now());
    assert_eq!(
        run(&st, Customer, &to(Open)).unwrap().state.resolved_at,
        None
    );
    assert_eq!(
        run(&st, Customer, &to(Closed)).unwrap().state.resolved_at,
        Some(now())
    );
}

#[test]
fn lines_stop_at_the_contract() {
    let mut st = state(Open);
    st.line = line(2);
    let c = Command::Escalate { reason: "r".into() };
    assert!(decide(&st, &contract(3), &actor(Agent), &c, now()).is_ok());
    assert!(matches!(
        decide(&st, &contract(2), &actor(Agent), &c, now()),
        Err(Refusal::Invalid { field: "line", .. })
    ));
}

fn shared_block() -> VendorBlock {
    VendorBlock {
        vendor: "Hoster".into(),
        external_ref: None,
        vendor_status: None,
        promise: None,
        promised_by: None,
        contact_id: Some(UserId(9)),
    }
}

#[test]
fn leaving_line_four_ends_the_vendor_share() {
    let mut st = state(Open);
    st.line = line(4);
    st.vendor = Some(shared_block());
    let d = run(
        &st,
        Agent,
        &Command::Deescalate {
            reason: "back".into(),
        },
    )
    .unwrap();
    assert_eq!(kinds(&d), ["line", "vendor_unshared"]);
    assert_eq!(d.effects, vec![Effect::EndVendorShare]);
    assert_eq!(d.state.vendor.unwrap().contact_id, None);
}

#[test]
fn vendor_blocks_follow_line_four() {
    let block = Command::Vendor(shared_block());
    let mut st = state(Open);
    assert_eq!(outcome(&run(&st, Agent, &block)), "invalid:line");
    st.line = line(4);
    assert_eq!(outcome(&run(&st, Agent, &block)), "invalid:contact_id");
    st.lookups.contact_is_vendor = true;
    assert_eq!(outcome(&run(&st, Agent, &block)), "vendor");
    // Off line 4 an existing block is updated without a contact, which ends the share.
    st.line = line(2);
    st.vendor = Some(shared_block());
    assert_eq!(outcome(&run(&st, Agent, &block)), "invalid:contact_id");
    let unshare = Command::Vendor(VendorBlock {
        contact_id: None,
        ..shared_block()
    });
    assert_eq!(
        outcome(&run(&st, Agent, &unshare)),
        "vendor_unshared+vendor"
    );
}

#[test]
fn class_six_milestones_come_in_order_and_a_retry_is_refused() {
    let mut st = state(Open);
    st.class = class(6);
    let spec = Command::Milestone(Milestone::SpecAgreed);
    let work = Command::Milestone(Milestone::WorkStarted);
    assert_eq!(outcome(&run(&st, Agent, &work)), "invalid:milestone");
    let d = run(&st, Agent, &spec).unwrap();
    assert_eq!(
        (d.state.spec_agreed_at, d.state.work_started_at),
        (Some(now()), None)
    );
    // The retried agreement is refused; it never becomes the start of work.
    let st = d.state;
    let retry = run(&st, Agent, &spec);
    assert!(
        matches!(&retry, Err(Refusal::Invalid { field: "milestone", message }) if message.contains("agreed already")),
        "{retry:?}"
    );
    let d = run(&st, Agent, &work).unwrap();
    assert_eq!(d.state.work_started_at, Some(now()));
    assert_eq!(outcome(&run(&d.state, Agent, &work)), "invalid:milestone");
    assert_eq!(outcome(&run(&d.state, Agent, &spec)), "invalid:milestone");
}

#[test]
fn input_is_checked_without_a_database() {
    let st = state(Open);
    let long = "x".repeat(100_001);
    let table: Vec<(Role, Command, &str)> = vec![
        (
            Agent,
            Command::Reply {
                body: "   ".into(),
                public: true,
            },
            "invalid:body",
        ),
        (
            Agent,
            Command::Reply {
                body: long,
                public: true,
            },
            "invalid:body",
        ),
        (
            Agent,
            Command::Reply {
                body: "a\u{0}b".into(),
                public: true,
            },
            "invalid:body",
        ),
        (
            Agent,
            Command::LogTime(NewTimeEntry {
                minutes: 0,
                ..NewTimeEntry::default()
            }),
            "invalid:minutes",
        ),
        (
            Agent,
            Command::LogTime(NewTimeEntry {
                minutes: 1441,
                ..NewTimeEntry::default()
            }),
            "invalid:minutes",
        ),
        (
            Agent,
            Command::LogTime(NewTimeEntry {
                minutes: 30,
                note: "n".repeat(2001),
                ..NewTimeEntry::default()
            }),
            "invalid:note",
        ),
        (
            Agent,
            Command::LogTime(NewTimeEntry {
                minutes: 30,
                worked_at: Some(ts("2026-11-17T00:00:00Z")),
                ..NewTimeEntry::default()
            }),
            "invalid:worked_at",
        ),
        (
            Agent,
            Command::LogTime(NewTimeEntry {
                minutes: 30,
                ..NewTimeEntry::default()
            }),
            "time",
        ),
        (
            Customer,
            Command::Attach {
                files: vec![file("a.txt", b"")],
            },
            "invalid:file",
        ),
        (
            Customer,
            Command::Attach {
                files: vec![file("../", b"x")],
            },
            "invalid:file",
        ),
        (
            Customer,
            Command::Attach {
                files: vec![file("a.txt", b"x")],
            },
            "",
        ),
    ];
    for (role, command, expected) in table {
        assert_eq!(outcome(&run(&st, role, &command)), expected, "{command:?}");
    }
}

fn file(name: &str, bytes: &[u8]) -> NewFile {
    NewFile {
        file_name: name.into(),
        content_type: "text/plain".into(),
        bytes: bytes.to_vec(),
        public: false,
    }
}

#[test]
fn files_are_cleaned_and_a_customers_are_public() {
    let files = vec![file("C:\\logs\\boot.log", b"x")];
    let d = run(&state(Open), Customer, &Command::Attach { files }).unwrap();
    let Effect::StoreFiles(stored) = &d.effects[0] else {
        panic!("{:?}", d.effects)
    };
    assert_eq!(
        (stored[0].file_name.as_str(), stored[0].public),
        ("boot.log", true)
    );
    let d = run(
        &state(Open),
        Agent,
        &Command::Attach {
            files: vec![file("a", b"x")],
        },
    )
    .unwrap();
    let Effect::StoreFiles(stored) = &d.effects[0] else {
        panic!()
    };
    assert!(!stored[0].public);
}

#[test]
fn time_on_class_six_is_consultation_by_default() {
    let mut st = state(Open);
    st.class = class(6);
    let d = run(
        &st,
        Agent,
        &Command::LogTime(NewTimeEntry {
            minutes: 30,
            ..NewTimeEntry::default()
        }),
    )
    .unwrap();
    assert!(
        matches!(&d.effects[0], Effect::StoreTime(t) if t.consultation && t.worked_at == now())
    );
}

#[test]
fn reclassifying_teaches_and_qualifies() {
    let mut st = state(Open);
    st.needs_qualification = true;
    let d = run(
        &st,
        Agent,
        &Command::Reclassify {
            class: class(3),
            reason: "confirmed".into(),
        },
    )
    .unwrap();
    assert_eq!(d.effects, vec![Effect::Train { class: class(3) }]);
    assert!(!d.state.needs_qualification);
    let Event::Class(c) = &d.events[0] else {
        panic!()
    };
    assert!(c.qualified);
}

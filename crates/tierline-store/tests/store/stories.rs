//! The stories, each a test on both backends.

use jiff::civil::date;
use tierline_domain::Class;
use tierline_domain::ticket::{Line, Status};
use tierline_store::{Backend, NewTicket, StoreError, TicketFilter};
use tierline_testkit::{Story, TestDb, story};

use crate::limit_stories::*;
use crate::query_stories::*;
use crate::schema_stories::*;
use crate::web_stories::*;
use crate::workflow_stories::*;
use tierline_testkit::fixtures::*;

pub const ALL: &[(&str, Story)] = &[
    story!(tickets_open_on_line_1_with_their_clocks),
    story!(replies_pauses_and_the_lifecycle),
    story!(a_class_change_retimes_from_the_original_start),
    story!(escalation_stays_within_the_contract),
    story!(a_ticket_keeps_the_contract_version_in_force),
    story!(organisations_never_see_each_other),
    story!(queues_filter_and_sort_by_nearest_due),
    story!(tokens_resolve_to_their_user_until_revoked),
    story!(conflicts_bad_input_and_the_append_only_timeline),
    story!(everything_survives_a_restart),
    story!(timers_fire_once_at_their_instant_across_restarts),
    story!(two_nodes_never_fire_a_timer_twice),
    story!(line_4_tracks_the_vendor_and_shares_only_with_its_contact),
    story!(groups_of_agents_take_tickets),
    story!(search_finds_words_by_their_stems_within_what_one_may_see),
    story!(leads_are_bounded_per_client),
    story!(attachments_follow_the_ticket_and_stay_internal_when_asked),
    story!(the_change_feed_follows_every_change),
    story!(preferences_are_kept_per_user),
    story!(only_opening_a_new_ticket_acknowledges_it),
    story!(a_customers_files_are_bounded_by_a_quota_whoever_uploads_them),
    story!(a_customers_uploads_are_bounded_by_an_hourly_rate),
    story!(concurrent_uploads_never_overshoot_the_quota),
    story!(a_new_request_and_its_files_are_kept_together_or_not_at_all),
    story!(a_search_reads_its_first_32_words),
    story!(text_filters_sit_anywhere_among_the_others),
    story!(the_two_migration_trees_define_one_schema),
    story!(a_column_in_one_tree_only_is_named),
    story!(a_retried_milestone_is_refused_and_never_starts_work),
    story!(a_refused_command_writes_nothing),
    story!(every_written_entry_reads_back_typed),
];

async fn tickets_open_on_line_1_with_their_clocks(backend: Backend) {
    let (_db, d) = desk(backend).await;
    let t = d.ticket(&d.acme_user, &d.acme, 3, monday()).await;
    assert_eq!(
        (t.line, t.status, t.customer_id),
        (Line::FIRST, Status::New, d.acme.id)
    );
    // Class 3 under base hours: reaction 1 h from 09:30 (the opening), so 10:30.
    assert_eq!(t.next_due_at, Some(ts("2026-11-16T10:30:00+02:00")));
    let (_, clocks) = d
        .store
        .ticket_with_clocks(&d.agent, t.id, ts("2026-11-16T10:20:00+02:00"))
        .await
        .unwrap();
    assert_eq!(clocks.len(), 2);
    assert_eq!(
        clocks[1].snapshot.due,
        Some(ts("2026-11-16T13:30:00+02:00"))
    );
    assert_eq!(format!("{:?}", clocks[0].snapshot.state), "Warning");
    let events = d.store.ticket_events(&d.acme_user, t.id).await.unwrap();
    assert_eq!(events.len(), 1);
    assert_eq!(events[0].kind, "created");
}

async fn replies_pauses_and_the_lifecycle(backend: Backend) {
    let (_db, d) = desk(backend).await;
    let s = &d.store;
    let t = d.ticket(&d.acme_user, &d.acme, 4, monday()).await;
    let at = |hm: &str| ts(&format!("2026-11-16T{hm}:00+02:00"));
    s.reply(
        &d.agent,
        t.id,
        "Looking into it, internally",
        false,
        at("09:40"),
    )
    .await
    .unwrap();
    assert_eq!(
        s.ticket(&d.agent, t.id).await.unwrap().first_response_at,
        None,
        "a note is not a reaction"
    );
    s.reply(&d.agent, t.id, "We are on it.", true, at("09:45"))
        .await
        .unwrap();
    let t1 = s.ticket(&d.agent, t.id).await.unwrap();
    assert_eq!(
        (t1.first_response_at, t1.status),
        (Some(at("09:45")), Status::Open)
    );
    // Resolution 6 h from 09:30 = 15:30; waiting for the customer 10:00–11:00 moves it to 16:30.
    assert_eq!(t1.next_due_at, Some(at("15:30")));
    let waiting = s
        .set_status(
            &d.agent,
            t.id,
            Status::WaitingForCustomer,
            Some("need logs"),
            at("10:00"),
        )
        .await
        .unwrap();
    assert_eq!(waiting.next_due_at, None, "a paused clock has no due time");
    s.reply(&d.acme_user, t.id, "Logs attached.", true, at("11:00"))
        .await
        .unwrap();
    let back = s.ticket(&d.agent, t.id).await.unwrap();
    assert_eq!(
        (back.status, back.next_due_at),
        (Status::Open, Some(at("16:30")))
    );
    let resolved = s
        .set_status(&d.agent, t.id, Status::Resolved, None, at("12:00"))
        .await
        .unwrap();
    assert_eq!(
        (resolved.resolved_at, resolved.next_due_at),
        (Some(at("12:00")), None)
    );
    // The customer reopens: the time spent resolved does not count.
    let reopened = s
        .set_status(
            &d.acme_user,
            t.id,
            Status::Open,
            Some("still broken"),
            at("13:00"),
        )
        .await
        .unwrap();
    assert_eq!(
        (reopened.resolved_at, reopened.next_due_at),
        (None, Some(at("17:30")))
    );
    assert!(matches!(
        s.set_status(
            &d.acme_user,
            t.id,
            Status::WaitingForVendor,
            None,
            at("13:10")
        )
        .await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        s.set_status(&d.agent, t.id, Status::Closed, None, at("13:10"))
            .await,
        Err(StoreError::Invalid { .. })
    ));
    s.set_status(&d.agent, t.id, Status::Resolved, None, at("14:00"))
        .await
        .unwrap();
    s.set_status(&d.acme_user, t.id, Status::Closed, None, at("14:05"))
        .await
        .unwrap();
    assert!(
        s.reply(&d.acme_user, t.id, "one more thing", true, at("14:10"))
            .await
            .is_err()
    );
    let agent_view = s.ticket_events(&d.agent, t.id).await.unwrap();
    let customer_view = s.ticket_events(&d.acme_user, t.id).await.unwrap();
    assert_eq!(
        agent_view.len(),
        customer_view.len() + 1,
        "the note is hidden from the customer"
    );
    assert!(customer_view.iter().all(|e| e.public));
    let kinds: Vec<&str> = agent_view.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "created", "note", "reply", "status", "status", "reply", "status", "status", "status",
            "status", "status"
        ]
    );
    assert!(matches!(
        s.reply(&d.acme_user, t.id, "psst", false, at("14:20"))
            .await,
        Err(StoreError::Forbidden(_))
    ));
}

async fn a_class_change_retimes_from_the_original_start(backend: Backend) {
    let (_db, d) = desk(backend).await;
    let t = d.ticket(&d.agent, &d.acme, 5, monday()).await;
    assert_eq!(t.next_due_at, Some(ts("2026-11-16T12:30:00+02:00")));
    let now = ts("2026-11-16T10:00:00+02:00");
    let c3 = d
        .store
        .set_class(
            &d.agent,
            t.id,
            Class::try_from(3).unwrap(),
            "the whole shop is down",
            now,
        )
        .await
        .unwrap();
    assert_eq!(c3.next_due_at, Some(ts("2026-11-16T10:30:00+02:00")));
    assert!(
        d.store
            .set_class(&d.agent, t.id, Class::try_from(4).unwrap(), "  ", now)
            .await
            .is_err(),
        "a reason is required"
    );
    assert!(matches!(
        d.store
            .set_class(&d.acme_user, t.id, Class::try_from(4).unwrap(), "mine", now)
            .await,
        Err(StoreError::Forbidden(_))
    ));
    let events = d.store.ticket_events(&d.agent, t.id).await.unwrap();
    assert_eq!(
        events.last().unwrap().data["reason"],
        "the whole shop is down"
    );
}

async fn escalation_stays_within_the_contract(backend: Backend) {
    let (_db, d) = desk(backend).await;
    let now = monday();
    let t = d.ticket(&d.agent, &d.acme, 4, now).await;
    let up = d
        .store
        .move_line(&d.agent, t.id, true, "needs a sysadmin", now)
        .await
        .unwrap();
    assert_eq!(up.line.number(), 2);
    let err = d
        .store
        .move_line(&d.agent, t.id, true, "needs the vendor", now)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("lines up to 2"), "{err}");
    let down = d
        .store
        .move_line(&d.agent, t.id, false, "back to first line", now)
        .await
        .unwrap();
    assert_eq!(down.line, Line::FIRST);
    assert!(
        d.store
            .move_line(&d.agent, t.id, false, "lower still", now)
            .await
            .is_err()
    );
    let g = d.ticket(&d.agent, &d.globex, 4, now).await;
    for _ in 0..3 {
        d.store
            .move_line(&d.agent, g.id, true, "up", now)
            .await
            .unwrap();
    }
    assert_eq!(
        d.store.ticket(&d.agent, g.id).await.unwrap().line.number(),
        4
    );
}

async fn a_ticket_keeps_the_contract_version_in_force(backend: Backend) {
    let (_db, d) = desk(backend).await;
    let evening =
        terms(serde_json::json!({"calendar": {"tz": "Europe/Kyiv", "coverage": "base+evening"}}));
    let v2 = d
        .store
        .create_contract_version(&d.admin, d.acme.id, date(2026, 11, 20), evening, monday())
        .await
        .unwrap();
    let friday = ts("2026-11-20T18:25:00+02:00");
    let thursday = ts("2026-11-19T18:25:00+02:00");
    let old = d.ticket(&d.agent, &d.acme, 3, thursday).await;
    let new = d.ticket(&d.agent, &d.acme, 3, friday).await;
    assert_ne!(old.contract_version_id, v2.id);
    assert_eq!(new.contract_version_id, v2.id);
    assert_eq!(
        old.next_due_at,
        Some(ts("2026-11-20T10:25:00+02:00")),
        "base hours"
    );
    assert_eq!(
        new.next_due_at,
        Some(ts("2026-11-20T19:25:00+02:00")),
        "evening extension"
    );
    let versions = d
        .store
        .contract_versions(&d.acme_user, d.acme.id)
        .await
        .unwrap();
    assert_eq!(versions.len(), 2);
    let bad = terms(serde_json::json!({"calendar": {"tz": "Mars/Olympus"}}));
    assert!(matches!(
        d.store
            .create_contract_version(&d.admin, d.acme.id, date(2027, 1, 1), bad, monday())
            .await,
        Err(StoreError::Invalid { field: "terms", .. })
    ));
    assert!(matches!(
        d.store
            .create_contract_version(
                &d.admin,
                d.acme.id,
                date(2026, 11, 20),
                terms(serde_json::json!({"calendar": {"tz": "UTC"}})),
                monday()
            )
            .await,
        Err(StoreError::Conflict(_))
    ));
}

async fn organisations_never_see_each_other(backend: Backend) {
    let (_db, d) = desk(backend).await;
    let s = &d.store;
    let theirs = d.ticket(&d.globex_user, &d.globex, 4, monday()).await;
    let mine = d.ticket(&d.acme_user, &d.acme, 4, monday()).await;
    let ann = &d.acme_user;
    assert!(matches!(
        s.ticket(ann, theirs.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.ticket_events(ann, theirs.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.reply(ann, theirs.id, "hi", true, monday()).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.set_status(ann, theirs.id, Status::Closed, None, monday())
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.customer(ann, d.globex.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.contract_versions(ann, d.globex.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.user(ann, d.globex_user.user_id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.user(ann, d.agent.user_id).await,
        Err(StoreError::NotFound)
    ));
    let page = s
        .tickets(
            ann,
            &TicketFilter {
                limit: 50,
                ..Default::default()
            },
            monday(),
        )
        .await
        .unwrap();
    assert_eq!(
        page.items.iter().map(|t| t.id).collect::<Vec<_>>(),
        vec![mine.id]
    );
    let filtered = s
        .tickets(
            ann,
            &TicketFilter {
                customer_id: Some(d.globex.id),
                limit: 50,
                ..Default::default()
            },
            monday(),
        )
        .await
        .unwrap();
    assert!(filtered.items.is_empty());
    assert_eq!(s.customers(ann).await.unwrap().len(), 1);
    let err = s
        .create_ticket(
            ann,
            NewTicket {
                customer_id: Some(d.globex.id),
                ..new_ticket()
            },
            monday(),
        )
        .await
        .unwrap_err();
    assert!(matches!(
        err,
        StoreError::Invalid {
            field: "customer_id",
            ..
        }
    ));
    // A vendor contact sees no tickets until line 4 shares one with it.
    assert!(matches!(
        s.ticket(&d.vendor, mine.id).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        s.tickets(
            &d.vendor,
            &TicketFilter {
                limit: 50,
                count: true,
                ..Default::default()
            },
            monday()
        )
        .await
        .unwrap()
        .total,
        Some(0)
    );
    assert!(matches!(
        s.create_customer(ann, "Mine now", monday()).await,
        Err(StoreError::Forbidden(_))
    ));
}

fn new_ticket() -> NewTicket {
    NewTicket {
        customer_id: None,
        system_id: None,
        subject: "Checkout is slow".into(),
        description: String::new(),
        channel: tierline_domain::ticket::Channel::Api,
        class: Class::try_from(5).unwrap(),
        opened_at: None,
        individual_reaction: None,
        individual_resolution: None,
        auto_class: None,
    }
}

async fn queues_filter_and_sort_by_nearest_due(backend: Backend) {
    let (_db, d) = desk(backend).await;
    let s = &d.store;
    let c5 = d.ticket(&d.agent, &d.acme, 5, monday()).await;
    let c3 = d.ticket(&d.agent, &d.acme, 3, monday()).await;
    let c4 = d.ticket(&d.agent, &d.globex, 4, monday()).await;
    let c1 = d.ticket(&d.agent, &d.globex, 1, monday()).await;
    s.move_line(&d.agent, c4.id, true, "deeper", monday())
        .await
        .unwrap();
    let agent = d.agent.clone();
    let all = |f: TicketFilter| {
        let agent = agent.clone();
        async move {
            s.tickets(&agent, &TicketFilter { limit: 50, ..f }, monday())
                .await
                .unwrap()
        }
    };
    let ids = |p: tierline_store::TicketPage| p.items.iter().map(|t| t.id).collect::<Vec<_>>();
    assert_eq!(
        ids(all(TicketFilter::default()).await),
        vec![c3.id, c4.id, c5.id, c1.id],
        "nearest due first, none last"
    );
    assert_eq!(
        ids(all(TicketFilter {
            line: Some(Line::FIRST),
            ..Default::default()
        })
        .await),
        vec![c3.id, c5.id, c1.id]
    );
    assert_eq!(
        ids(all(TicketFilter {
            customer_id: Some(d.globex.id),
            ..Default::default()
        })
        .await),
        vec![c4.id, c1.id]
    );
    assert_eq!(
        ids(all(TicketFilter {
            class: Some(Class::try_from(5).unwrap()),
            ..Default::default()
        })
        .await),
        vec![c5.id]
    );
    assert_eq!(
        ids(all(TicketFilter {
            status: Some(Status::New),
            ..Default::default()
        })
        .await)
        .len(),
        4
    );
    let late = ts("2026-11-16T11:00:00+02:00");
    let breached = s
        .tickets(
            &d.agent,
            &TicketFilter {
                breached: Some(true),
                limit: 50,
                ..Default::default()
            },
            late,
        )
        .await
        .unwrap();
    assert_eq!(ids(breached), vec![c3.id]);
    let page = s
        .tickets(
            &d.agent,
            &TicketFilter {
                limit: 2,
                offset: 2,
                count: true,
                ..Default::default()
            },
            monday(),
        )
        .await
        .unwrap();
    assert_eq!((page.total, page.has_more), (Some(4), false));
    assert_eq!(ids(page), vec![c5.id, c1.id]);
    let first = s
        .tickets(
            &d.agent,
            &TicketFilter {
                limit: 2,
                ..Default::default()
            },
            monday(),
        )
        .await
        .unwrap();
    assert_eq!(
        (first.total, first.has_more, first.items.len()),
        (None, true, 2)
    );
    let active = all(TicketFilter {
        active: Some(true),
        ..Default::default()
    })
    .await;
    assert_eq!(ids(active).len(), 4);
    let due = all(TicketFilter {
        due_before: Some(ts("2026-11-16T12:00:00+02:00")),
        ..Default::default()
    })
    .await;
    assert_eq!(ids(due), vec![c3.id, c4.id]);
    let assigned = s
        .assign(&d.agent, c5.id, Some(d.agent.user_id), monday())
        .await
        .unwrap();
    assert_eq!(assigned.assignee_id, Some(d.agent.user_id));
    assert_eq!(
        ids(all(TicketFilter {
            assignee_id: Some(d.agent.user_id),
            ..Default::default()
        })
        .await),
        vec![c5.id]
    );
    assert!(
        s.assign(&d.agent, c5.id, Some(d.acme_user.user_id), monday())
            .await
            .is_err(),
        "only agents take tickets"
    );
}

async fn tokens_resolve_to_their_user_until_revoked(backend: Backend) {
    let (_db, d) = desk(backend).await;
    let s = &d.store;
    let (info, secret) = s
        .create_token(
            Some(&d.acme_user),
            d.acme_user.user_id,
            "my script",
            monday(),
        )
        .await
        .unwrap();
    assert_eq!(
        s.viewer_for_token(&secret).await.unwrap(),
        Some(d.acme_user.clone())
    );
    assert_eq!(s.viewer_for_token("tl_0000").await.unwrap(), None);
    assert_eq!(s.viewer_for_token("not a token").await.unwrap(), None);
    assert!(matches!(
        s.create_token(Some(&d.acme_user), d.agent.user_id, "theirs", monday())
            .await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        s.revoke_token(&d.globex_user, info.id, monday()).await,
        Err(StoreError::NotFound)
    ));
    s.revoke_token(&d.acme_user, info.id, monday())
        .await
        .unwrap();
    assert_eq!(s.viewer_for_token(&secret).await.unwrap(), None);
    assert_eq!(
        s.tokens(&d.acme_user, d.acme_user.user_id).await.unwrap()[0].revoked_at,
        Some(monday())
    );
    let log = s.audit_log(&d.admin, 100).await.unwrap();
    assert!(log.iter().any(|e| e.action == "token.revoke"));
    assert!(log.iter().any(|e| e.action == "customer.create"));
}

async fn conflicts_bad_input_and_the_append_only_timeline(backend: Backend) {
    let (db, d) = desk(backend).await;
    let s = &d.store;
    assert!(matches!(
        s.create_customer(&d.admin, "Acme", monday()).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.create_customer(&d.admin, "   ", monday()).await,
        Err(StoreError::Invalid { field: "name", .. })
    ));
    let dup = tierline_store::NewUser {
        email: "ANN@acme.test".into(),
        name: "Ann again".into(),
        role: tierline_store::Role::Customer,
        customer_id: Some(d.acme.id),
        lines: vec![],
        password: None,
    };
    assert!(matches!(
        s.create_user(Some(&d.admin), dup, monday()).await,
        Err(StoreError::Conflict(_))
    ));
    let future = NewTicket {
        customer_id: Some(d.acme.id),
        opened_at: Some(ts("2030-01-01T00:00:00Z")),
        ..new_ticket()
    };
    assert!(matches!(
        s.create_ticket(&d.agent, future, monday()).await,
        Err(StoreError::Invalid {
            field: "opened_at",
            ..
        })
    ));
    let before = NewTicket {
        customer_id: Some(d.acme.id),
        opened_at: Some(ts("2025-06-01T00:00:00Z")),
        ..new_ticket()
    };
    assert!(
        matches!(
            s.create_ticket(&d.agent, before, monday()).await,
            Err(StoreError::Invalid {
                field: "customer_id",
                ..
            })
        ),
        "no contract was in force then"
    );
    let t = d.ticket(&d.agent, &d.acme, 4, monday()).await;
    // The database itself refuses to rewrite history, whatever code asks.
    use sqlx::{Connection, Executor};
    let mut raw = sqlx::AnyConnection::connect(&db.url).await.unwrap();
    assert!(
        raw.execute("UPDATE ticket_events SET kind = 'forged'")
            .await
            .is_err()
    );
    assert!(raw.execute("DELETE FROM ticket_events").await.is_err());
    assert_eq!(
        s.ticket_events(&d.agent, t.id).await.unwrap()[0].kind,
        "created"
    );
}

async fn everything_survives_a_restart(backend: Backend) {
    let db = TestDb::new(backend).await;
    let id = {
        let d = Desk::new(db.store().await).await;
        let t = d.ticket(&d.acme_user, &d.acme, 3, monday()).await;
        d.store.close().await;
        t.id
    };
    let store = db.store().await;
    let admin = store
        .user_by_email("admin@desk.test")
        .await
        .unwrap()
        .unwrap();
    let t = store.ticket(&viewer(&admin), id).await.unwrap();
    assert_eq!(t.next_due_at, Some(ts("2026-11-16T10:30:00+02:00")));
    assert_eq!(store.customers(&viewer(&admin)).await.unwrap().len(), 2);
}

async fn timers_fire_once_at_their_instant_across_restarts(backend: Backend) {
    let db = TestDb::new(backend).await;
    let d = Desk::new(db.store().await).await;
    let at = |hms: &str| ts(&format!("2026-11-16T{hms}+02:00"));
    let t = d.ticket(&d.acme_user, &d.acme, 3, monday()).await;
    // Class 3, base hours from 09:30: reaction warns at 10:18 (80 % of 1 h) and is due at 10:30.
    assert_eq!(d.store.next_timer_at().await.unwrap(), Some(at("10:18:00")));
    let just_before = at("10:18:00") - jiff::SignedDuration::from_nanos(1);
    assert!(
        d.store
            .fire_due_timers(just_before, 100)
            .await
            .unwrap()
            .is_empty()
    );
    let fired = d.store.fire_due_timers(at("10:18:00"), 100).await.unwrap();
    assert_eq!(
        fired
            .iter()
            .map(|f| (f.clock.as_str(), f.kind.as_str()))
            .collect::<Vec<_>>(),
        [("reaction", "warning")]
    );
    assert!(
        d.store
            .fire_due_timers(at("10:18:00"), 100)
            .await
            .unwrap()
            .is_empty(),
        "once"
    );
    d.store.close().await;

    // A restart: nothing fires twice, and what is still pending fires on time.
    let store = db.store().await;
    assert!(
        store
            .fire_due_timers(at("10:29:59"), 100)
            .await
            .unwrap()
            .is_empty()
    );
    let fired = store.fire_due_timers(at("10:30:00"), 100).await.unwrap();
    assert_eq!(
        fired
            .iter()
            .map(|f| (f.clock.as_str(), f.kind.as_str(), f.fire_at))
            .collect::<Vec<_>>(),
        [("reaction", "breach", at("10:30:00"))]
    );
    assert_eq!(
        store.next_timer_at().await.unwrap(),
        Some(at("12:42:00")),
        "resolution warning"
    );

    // Resolving stops the resolution clock: its timers go, the fired ones stay history.
    store
        .reply(&d.agent, t.id, "Fixed the proxy.", true, at("11:00:00"))
        .await
        .unwrap();
    store
        .set_status(&d.agent, t.id, Status::Resolved, None, at("12:00:00"))
        .await
        .unwrap();
    assert_eq!(store.next_timer_at().await.unwrap(), None);
    assert!(
        store
            .fire_due_timers(at("18:00:00"), 100)
            .await
            .unwrap()
            .is_empty()
    );
    let events = store.ticket_events(&d.agent, t.id).await.unwrap();
    let sla: Vec<&str> = events
        .iter()
        .filter(|e| e.kind.starts_with("sla_"))
        .map(|e| e.kind.as_str())
        .collect();
    assert_eq!(sla, ["sla_warning", "sla_breach"]);
    assert!(
        store
            .ticket_events(&d.acme_user, t.id)
            .await
            .unwrap()
            .iter()
            .all(|e| !e.kind.starts_with("sla_")),
        "internal"
    );
    let outbox = store.pending_outbox(100).await.unwrap();
    assert_eq!(
        outbox.iter().map(|m| m.kind.as_str()).collect::<Vec<_>>(),
        ["sla.warning", "sla.breach"]
    );
    assert_eq!(outbox[1].payload["line"], 1);
    assert_eq!(outbox[1].payload["clock"], "reaction");

    // A pause removes the pending timer; the end of the pause puts it back, moved.
    let u = store
        .create_ticket(&d.acme_user, new_ticket(), at("12:00:00"))
        .await
        .unwrap();
    store
        .reply(&d.agent, u.id, "Please send logs", true, at("12:10:00"))
        .await
        .unwrap();
    store
        .set_status(
            &d.agent,
            u.id,
            Status::WaitingForCustomer,
            None,
            at("12:10:00"),
        )
        .await
        .unwrap();
    assert_eq!(store.next_timer_at().await.unwrap(), None);
    store
        .reply(&d.acme_user, u.id, "Here", true, at("13:10:00"))
        .await
        .unwrap();
    // Class 5 resolution, 6 h from 12:00 with the hour of pause: 4 h 48 m (80 %) of covered time
    // outside the pause is reached at 17:48.
    assert_eq!(store.next_timer_at().await.unwrap(), Some(at("17:48:00")));
}

async fn two_nodes_never_fire_a_timer_twice(backend: Backend) {
    let db = TestDb::new(backend).await;
    let d = Desk::new(db.store().await).await;
    for i in 0..20 {
        let c = if i % 2 == 0 { &d.acme } else { &d.globex };
        d.ticket(&d.agent, c, 3 + (i % 3), monday()).await;
    }
    let (a, b) = (db.store().await, db.store().await);
    let late = ts("2026-11-20T18:00:00+02:00");
    let (fa, fb) = tokio::join!(a.fire_due_timers(late, 1000), b.fire_due_timers(late, 1000));
    let (fa, fb) = (fa.unwrap(), fb.unwrap());
    // 20 tickets with two clocks each, a warning and a breach per clock.
    assert_eq!(fa.len() + fb.len(), 80);
    let mut all: Vec<_> = fa
        .iter()
        .chain(&fb)
        .map(|f| (f.ticket_id, f.clock.clone(), f.kind.clone()))
        .collect();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 80, "no timer fired twice");
    assert_eq!(d.store.pending_outbox(1000).await.unwrap().len(), 80);
}

async fn line_4_tracks_the_vendor_and_shares_only_with_its_contact(backend: Backend) {
    let (_db, d) = desk(backend).await;
    let s = &d.store;
    let now = monday();
    let t = d.ticket(&d.globex_user, &d.globex, 2, now).await;
    let other = d.ticket(&d.globex_user, &d.globex, 4, now).await;
    let block = tierline_store::VendorBlock {
        vendor: "Hetzner".into(),
        external_ref: Some("HZ-4411".into()),
        vendor_status: Some("investigating".into()),
        promise: Some("new disk within 4 hours".into()),
        promised_by: Some(ts("2026-11-16T13:00:00+02:00")),
        contact_id: Some(d.vendor.user_id),
    };
    let err = s
        .set_vendor(&d.agent, t.id, block.clone(), now)
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::Invalid { field: "line", .. }),
        "{err}"
    );
    for _ in 0..3 {
        s.move_line(&d.agent, t.id, true, "hardware", now)
            .await
            .unwrap();
    }
    let wrong_contact = tierline_store::VendorBlock {
        contact_id: Some(d.acme_user.user_id),
        ..block.clone()
    };
    assert!(
        s.set_vendor(&d.agent, t.id, wrong_contact, now)
            .await
            .is_err()
    );
    assert!(matches!(
        s.set_vendor(&d.globex_user, t.id, block.clone(), now).await,
        Err(StoreError::Forbidden(_))
    ));
    s.set_vendor(&d.agent, t.id, block.clone(), now)
        .await
        .unwrap();
    assert_eq!(s.vendor(&d.agent, t.id).await.unwrap(), Some(block.clone()));

    // The vendor contact sees this ticket, and of its timeline only what concerns it.
    let v = &d.vendor;
    assert_eq!(
        s.vendor(v, t.id)
            .await
            .unwrap()
            .unwrap()
            .external_ref
            .as_deref(),
        Some("HZ-4411")
    );
    assert!(matches!(
        s.ticket(v, other.id).await,
        Err(StoreError::NotFound)
    ));
    let page = s
        .tickets(
            v,
            &TicketFilter {
                limit: 50,
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
    assert_eq!(
        page.items.iter().map(|x| x.id).collect::<Vec<_>>(),
        vec![t.id]
    );
    s.reply(&d.agent, t.id, "customer-facing update", true, now)
        .await
        .unwrap();
    let note = s
        .reply(v, t.id, "Disk swapped, please check", true, now)
        .await
        .unwrap();
    assert_eq!((note.kind.as_str(), note.public), ("vendor_note", false));
    let seen: Vec<String> = s
        .ticket_events(v, t.id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert_eq!(seen, ["vendor", "vendor_note"]);
    assert!(
        s.ticket_events(&d.globex_user, t.id)
            .await
            .unwrap()
            .iter()
            .all(|e| e.kind != "vendor_note" && e.kind != "vendor")
    );
    assert!(matches!(
        s.vendor(&d.globex_user, t.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        s.set_status(v, t.id, Status::Resolved, None, now).await,
        Err(StoreError::Forbidden(_))
    ));
    assert!(matches!(
        s.set_class(v, t.id, Class::try_from(3).unwrap(), "x", now)
            .await,
        Err(StoreError::Forbidden(_))
    ));
}

async fn groups_of_agents_take_tickets(backend: Backend) {
    let (_db, d) = desk(backend).await;
    let s = &d.store;
    let now = monday();
    let dba = s.create_group(&d.admin, "Databases", now).await.unwrap();
    assert!(matches!(
        s.create_group(&d.admin, "Databases", now).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        s.create_group(&d.agent, "Mine", now).await,
        Err(StoreError::Forbidden(_))
    ));
    let g = s
        .add_group_member(&d.admin, dba.id, d.agent.user_id, now)
        .await
        .unwrap();
    assert_eq!(g.members, vec![d.agent.user_id]);
    assert!(
        s.add_group_member(&d.admin, dba.id, d.acme_user.user_id, now)
            .await
            .is_err(),
        "only agents"
    );
    assert!(matches!(
        s.groups(&d.acme_user).await,
        Err(StoreError::Forbidden(_))
    ));
    let t = d.ticket(&d.acme_user, &d.acme, 4, now).await;
    let given = s
        .assign_group(&d.agent, t.id, Some(dba.id), now)
        .await
        .unwrap();
    assert_eq!(given.group_id, Some(dba.id));
    assert!(matches!(
        s.assign_group(&d.agent, t.id, Some(999), now).await,
        Err(StoreError::Invalid {
            field: "group_id",
            ..
        })
    ));
    let page = s
        .tickets(
            &d.agent,
            &TicketFilter {
                group_id: Some(dba.id),
                limit: 50,
                ..Default::default()
            },
            now,
        )
        .await
        .unwrap();
    assert_eq!(
        page.items.iter().map(|x| x.id).collect::<Vec<_>>(),
        vec![t.id]
    );
    assert_eq!(
        s.ticket(&d.acme_user, t.id).await.unwrap().group_id,
        Some(dba.id)
    );
    assert!(
        s.ticket_events(&d.acme_user, t.id)
            .await
            .unwrap()
            .iter()
            .all(|e| e.kind != "group"),
        "internal"
    );
}

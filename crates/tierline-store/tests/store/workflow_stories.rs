//! Stories of the one executor: what the domain decides is written whole, in one transaction.

use tierline_domain::workflow::{Command, Milestone};
use tierline_store::{Backend, StoreError};

use tierline_testkit::fixtures::*;

/// A retried `spec_agreed` is refused (the domain's choice: a milestone out of order is a 422 on
/// `milestone`, as the API always answered) and never recorded as the start of work; the start
/// of work is recorded when asked for.
pub async fn a_retried_milestone_is_refused_and_never_starts_work(backend: Backend) {
    let (_db, d) = desk(backend).await;
    let t = d.ticket(&d.acme_user, &d.acme, 6, monday()).await;
    let spec = Command::Milestone(Milestone::SpecAgreed);
    let agreed_at = ts("2026-11-16T10:00:00+02:00");
    let done = d
        .store
        .execute(&d.agent, t.id, spec.clone(), agreed_at)
        .await
        .unwrap();
    assert_eq!(done.ticket.spec_agreed_at, Some(agreed_at));
    assert_eq!(done.ticket.work_started_at, None);
    assert_eq!(
        done.events
            .iter()
            .map(|e| e.kind.as_str())
            .collect::<Vec<_>>(),
        ["milestone"]
    );
    assert_eq!(done.events[0].data["milestone"], "spec_agreed");

    let retry = d
        .store
        .execute(&d.agent, t.id, spec, ts("2026-11-16T10:00:05+02:00"))
        .await;
    assert!(
        matches!(
            &retry,
            Err(StoreError::Invalid {
                field: "milestone",
                ..
            })
        ),
        "{retry:?}"
    );
    let after = d.store.ticket(&d.agent, t.id).await.unwrap();
    assert_eq!(
        (after.spec_agreed_at, after.work_started_at),
        (Some(agreed_at), None)
    );
    let milestones = d.store.ticket_events(&d.agent, t.id).await.unwrap();
    assert_eq!(
        milestones.iter().filter(|e| e.kind == "milestone").count(),
        1
    );

    let started_at = ts("2026-11-17T11:00:00+02:00");
    let work = Command::Milestone(Milestone::WorkStarted);
    let done = d
        .store
        .execute(&d.agent, t.id, work, started_at)
        .await
        .unwrap();
    assert_eq!(done.ticket.spec_agreed_at, Some(agreed_at));
    assert_eq!(done.ticket.work_started_at, Some(started_at));
    assert_eq!(done.events[0].data["milestone"], "work_started");
    // The per-command wrapper names the next milestone, and there is none left.
    let again = d
        .store
        .mark_class6(
            &d.agent,
            t.id,
            tierline_domain::sla::ClockKind::WorkStart,
            started_at,
        )
        .await;
    assert!(
        matches!(
            again,
            Err(StoreError::Invalid {
                field: "milestone",
                ..
            })
        ),
        "{again:?}"
    );
}

/// A refused command writes nothing: not the event, not the audit entry, not the ticket.
pub async fn a_refused_command_writes_nothing(backend: Backend) {
    let (_db, d) = desk(backend).await;
    let t = d.ticket(&d.acme_user, &d.acme, 3, monday()).await;
    let before = d.store.ticket_events(&d.agent, t.id).await.unwrap().len();
    let refused = d
        .store
        .execute(
            &d.acme_user,
            t.id,
            Command::Reply {
                body: "psst".into(),
                public: false,
            },
            monday(),
        )
        .await;
    assert!(
        matches!(refused, Err(StoreError::Forbidden(_))),
        "{refused:?}"
    );
    let refused = d
        .store
        .execute(
            &d.agent,
            t.id,
            Command::Assign {
                assignee: Some(d.acme_user.user_id),
            },
            monday(),
        )
        .await;
    assert!(
        matches!(
            refused,
            Err(StoreError::Invalid {
                field: "assignee_id",
                ..
            })
        ),
        "{refused:?}"
    );
    assert_eq!(
        d.store.ticket_events(&d.agent, t.id).await.unwrap().len(),
        before
    );
    assert_eq!(d.store.ticket(&d.agent, t.id).await.unwrap(), t);
}

/// Every entry the stories write reads back typed.
pub async fn every_written_entry_reads_back_typed(backend: Backend) {
    let (_db, d) = desk(backend).await;
    let t = d.ticket(&d.acme_user, &d.acme, 6, monday()).await;
    let at = ts("2026-11-16T10:00:00+02:00");
    for c in [
        Command::Reply {
            body: "On it".into(),
            public: true,
        },
        Command::Reply {
            body: "disk?".into(),
            public: false,
        },
        Command::Escalate {
            reason: "dev".into(),
        },
        Command::Milestone(Milestone::SpecAgreed),
        Command::Status {
            to: tierline_domain::ticket::Status::Resolved,
            reason: Some("done".into()),
        },
    ] {
        d.store.execute(&d.agent, t.id, c, at).await.unwrap();
    }
    let events = d.store.ticket_events(&d.agent, t.id).await.unwrap();
    let kinds: Vec<&str> = events.iter().map(|e| e.event().unwrap().kind()).collect();
    assert_eq!(
        kinds,
        [
            "created",
            "reply",
            "status",
            "note",
            "line",
            "milestone",
            "status"
        ]
    );
}

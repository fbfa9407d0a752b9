//! Stories of the store's limits on what comes from outside: customers' attachment quota and
//! upload rate (small limits set through `UploadLimits`, as a configuration would set the real
//! ones), and the words a search reads.

use jiff::{SignedDuration, Timestamp};
use tierline_domain::Class;
use tierline_domain::ticket::Channel;
use tierline_store::{
    Backend, MAX_SEARCH_WORDS, NewAttachment, NewTicket, Store, StoreError, TicketFilter, TicketId,
    UploadLimits, UploadRefusal, Viewer,
};

use tierline_testkit::fixtures::*;

fn file(bytes: &[u8]) -> NewAttachment<'_> {
    NewAttachment {
        file_name: "log.txt",
        content_type: "text/plain",
        bytes,
        public: true,
    }
}

async fn attach(
    s: &Store,
    who: &Viewer,
    t: TicketId,
    size: usize,
    at: Timestamp,
) -> Result<(), StoreError> {
    s.attach(who, t, file(&vec![b'x'; size]), at)
        .await
        .map(drop)
}

async fn stored(s: &Store, who: &Viewer, t: TicketId) -> i64 {
    s.attachments(who, t)
        .await
        .unwrap()
        .iter()
        .map(|a| a.size)
        .sum()
}

fn limits(quota_bytes: u64, rate_bytes: u64) -> UploadLimits {
    UploadLimits {
        quota_bytes,
        rate_bytes,
        rate_window: SignedDuration::from_hours(1),
    }
}

pub async fn a_customers_files_are_bounded_by_a_quota_whoever_uploads_them(backend: Backend) {
    let (_db, d) = desk(backend).await;
    assert_eq!(
        d.store.upload_limits(),
        limits(2 << 30, 200 << 20),
        "2 GiB and 200 MiB an hour by default"
    );
    let s = d.store.clone().with_upload_limits(limits(100, 10_000));
    let acme = d.ticket(&d.acme_user, &d.acme, 4, monday()).await.id;
    let globex = d.ticket(&d.globex_user, &d.globex, 4, monday()).await.id;
    attach(&s, &d.acme_user, acme, 60, monday()).await.unwrap();
    // Over the quota: refused, saying by how much, and nothing stored.
    let refused = attach(&s, &d.acme_user, acme, 50, monday()).await;
    assert!(
        matches!(
            refused,
            Err(StoreError::UploadRefused(UploadRefusal::Quota {
                quota_bytes: 100,
                used_bytes: 60,
                size_bytes: 50,
            }))
        ),
        "{refused:?}"
    );
    assert!(s.check_upload(d.acme.id, 50, monday()).await.is_err());
    assert!(s.check_upload(d.acme.id, 40, monday()).await.is_ok());
    // An agent's file on the customer's ticket is the customer's storage too.
    assert!(matches!(
        attach(&s, &d.agent, acme, 50, monday()).await,
        Err(StoreError::UploadRefused(UploadRefusal::Quota { .. }))
    ));
    // Several files are kept all or none.
    let (a, b) = (vec![b'a'; 30], vec![b'b'; 30]);
    assert!(matches!(
        s.attach_all(&d.agent, acme, &[file(&a), file(&b)], monday())
            .await,
        Err(StoreError::UploadRefused(UploadRefusal::Quota {
            size_bytes: 60,
            ..
        }))
    ));
    assert_eq!(
        stored(&s, &d.agent, acme).await,
        60,
        "nothing lost, nothing added"
    );
    assert_eq!(
        s.attach_all(&d.agent, acme, &[file(&a[..20]), file(&b[..20])], monday())
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(stored(&s, &d.agent, acme).await, 100);
    // Another customer has a quota of its own.
    attach(&s, &d.globex_user, globex, 100, monday())
        .await
        .unwrap();
}

pub async fn a_customers_uploads_are_bounded_by_an_hourly_rate(backend: Backend) {
    let (_db, d) = desk(backend).await;
    let s = d.store.clone().with_upload_limits(limits(10_000, 100));
    let t = d.ticket(&d.acme_user, &d.acme, 4, monday()).await.id;
    let later = |mins: i64| monday() + SignedDuration::from_mins(mins);
    attach(&s, &d.acme_user, t, 60, monday()).await.unwrap();
    attach(&s, &d.agent, t, 30, later(5)).await.unwrap();
    // 90 of 100 bytes within the hour: 50 more must wait until the first 60 are an hour old,
    // 50 minutes from now.
    let refused = attach(&s, &d.acme_user, t, 50, later(10)).await;
    assert!(
        matches!(
            refused,
            Err(StoreError::UploadRefused(UploadRefusal::Rate {
                rate_bytes: 100,
                window_secs: 3600,
                recent_bytes: 90,
                size_bytes: 50,
                retry_after_secs: 3000,
            }))
        ),
        "{refused:?}"
    );
    attach(&s, &d.acme_user, t, 10, later(10)).await.unwrap();
    assert!(attach(&s, &d.acme_user, t, 1, later(59)).await.is_err());
    // At the very instant the first file turns an hour old, its bytes are free again.
    attach(&s, &d.acme_user, t, 50, later(60)).await.unwrap();
    // A file larger than the whole rate can never pass: wait the window, say so.
    assert!(matches!(
        attach(&s, &d.acme_user, t, 101, later(200)).await,
        Err(StoreError::UploadRefused(UploadRefusal::Rate {
            retry_after_secs: 3600,
            ..
        }))
    ));
    assert_eq!(stored(&s, &d.agent, t).await, 150);
}

pub async fn a_new_request_and_its_files_are_kept_together_or_not_at_all(backend: Backend) {
    let (_db, d) = desk(backend).await;
    let s = d.store.clone().with_upload_limits(limits(100, 10_000));
    let count = |s: Store, who: Viewer| async move {
        s.tickets(
            &who,
            &TicketFilter {
                limit: 200,
                ..Default::default()
            },
            monday(),
        )
        .await
        .unwrap()
        .items
        .len()
    };
    let before = count(s.clone(), d.agent.clone()).await;
    let new = || NewTicket {
        customer_id: None,
        system_id: None,
        subject: "The shop is down".into(),
        description: "Screenshots attached.".into(),
        channel: Channel::Portal,
        class: Class::try_from(4).unwrap(),
        opened_at: None,
        individual_reaction: None,
        individual_resolution: None,
        auto_class: None,
    };
    // Over the quota, an empty file: refused, and no ticket is left behind.
    let big = vec![b'x'; 150];
    let refused = s
        .create_ticket_with_files(&d.acme_user, new(), &[file(&big)], monday(), None)
        .await;
    assert!(
        matches!(
            refused,
            Err(StoreError::UploadRefused(UploadRefusal::Quota { .. }))
        ),
        "{refused:?}"
    );
    assert!(matches!(
        s.create_ticket_with_files(&d.acme_user, new(), &[file(b"")], monday(), None)
            .await,
        Err(StoreError::Invalid { field: "file", .. })
    ));
    assert_eq!(
        count(s.clone(), d.agent.clone()).await,
        before,
        "no ticket kept"
    );
    // The resubmit with a good file makes exactly one ticket, with its file.
    let (t, replayed, files) = s
        .create_ticket_with_files(&d.acme_user, new(), &[file(b"log")], monday(), None)
        .await
        .unwrap();
    assert!(!replayed);
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].ticket_id, t.id);
    assert_eq!(count(s.clone(), d.agent.clone()).await, before + 1);
    assert_eq!(stored(&s, &d.agent, t.id).await, 3);
}

pub async fn concurrent_uploads_never_overshoot_the_quota(backend: Backend) {
    let (_db, d) = desk(backend).await;
    let mut tickets = Vec::new();
    for _ in 0..4 {
        tickets.push(d.ticket(&d.acme_user, &d.acme, 4, monday()).await.id);
    }
    // Rounds of 24 uploads of 100 bytes at once, by the customer and an agent on four of its
    // tickets, each round with room for exactly 10 more. (Without the customer's row locked
    // first, PostgreSQL let an eleventh through in about one round of three.)
    for round in 1..=8_u64 {
        let s = d
            .store
            .clone()
            .with_upload_limits(limits(1000 * round, 1 << 30));
        let mut tasks = tokio::task::JoinSet::new();
        for i in 0..24 {
            let (s, t) = (s.clone(), tickets[i % 4]);
            let who = if i % 2 == 0 {
                d.agent.clone()
            } else {
                d.acme_user.clone()
            };
            tasks.spawn(async move { attach(&s, &who, t, 100, monday()).await });
        }
        let (mut kept, mut refused) = (0, 0);
        while let Some(r) = tasks.join_next().await {
            match r.unwrap() {
                Ok(()) => kept += 1,
                Err(StoreError::UploadRefused(UploadRefusal::Quota { .. })) => refused += 1,
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!((kept, refused), (10, 14), "round {round}");
        let mut total = 0;
        for &t in &tickets {
            total += stored(&s, &d.agent, t).await;
        }
        assert_eq!(total, 1000 * i64::try_from(round).unwrap(), "round {round}");
    }
}

pub async fn a_search_reads_its_first_32_words(backend: Backend) {
    let (_db, d) = desk(backend).await;
    let words =
        |range: std::ops::Range<usize>| -> String { range.map(|i| format!("w{i}x ")).collect() };
    let t = d
        .store
        .create_ticket(
            &d.acme_user,
            NewTicket {
                customer_id: None,
                system_id: None,
                subject: "A log".into(),
                description: words(0..40),
                channel: Channel::Portal,
                class: Class::try_from(4).unwrap(),
                opened_at: None,
                individual_reaction: None,
                individual_resolution: None,
                auto_class: None,
            },
            monday(),
        )
        .await
        .unwrap();
    let search = |text: String| {
        let store = d.store.clone();
        let agent = d.agent.clone();
        async move {
            store
                .tickets(
                    &agent,
                    &TicketFilter {
                        text: Some(text),
                        limit: 50,
                        ..Default::default()
                    },
                    monday(),
                )
                .await
                .map(|page| page.items.iter().map(|t| t.id).collect::<Vec<_>>())
        }
    };
    // A pasted page of 40,000 words, the ticket's 40 first. Read whole, such a search took
    // SQLite 7 s and overflowed PostgreSQL's stack (a 500); its first 32 words are the search.
    let started = std::time::Instant::now();
    assert_eq!(search(words(0..40_000)).await.unwrap(), [t.id]);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    // Within the limit every word counts.
    let other = format!("{} nowhere", words(0..MAX_SEARCH_WORDS - 1));
    assert!(search(other).await.unwrap().is_empty());
}

//! Stories of what the web app needs from the store: search, leads, attachments, the change
//! feed and preferences.

use tierline_domain::ticket::Channel;
use tierline_store::{Backend, NewAttachment, NewTicket, Prefs, StoreError, TicketFilter, Viewer};

use tierline_testkit::fixtures::*;

fn request(subject: &str, description: &str) -> NewTicket {
    NewTicket {
        customer_id: None,
        system_id: None,
        subject: subject.into(),
        description: description.into(),
        channel: Channel::Portal,
        class: tierline_domain::Class::try_from(4).unwrap(),
        opened_at: None,
        individual_reaction: None,
        individual_resolution: None,
        auto_class: None,
    }
}

async fn found(d: &Desk, who: &Viewer, text: &str) -> Vec<i64> {
    d.store
        .tickets(
            who,
            &TicketFilter {
                text: Some(text.into()),
                limit: 50,
                ..Default::default()
            },
            monday(),
        )
        .await
        .unwrap()
        .items
        .iter()
        .map(|t| t.id.0)
        .collect()
}

pub async fn search_finds_words_by_their_stems_within_what_one_may_see(backend: Backend) {
    let (db, d) = desk(backend).await;
    let ru = d
        .store
        .create_ticket(
            &d.acme_user,
            request("Серверы не отвечают", "С утра ошибка 502 на всех страницах"),
            monday(),
        )
        .await
        .unwrap();
    let uk = d
        .store
        .create_ticket(
            &d.acme_user,
            request(
                "Не працює оплата",
                "Платежі не проходять, клієнти скаржаться",
            ),
            monday(),
        )
        .await
        .unwrap();
    let en = d
        .store
        .create_ticket(
            &d.globex_user,
            request("Invoices failing", "The billing exports failed twice"),
            monday(),
        )
        .await
        .unwrap();
    // Another form of the word finds it, in each language; numbers are found as they are.
    assert_eq!(found(&d, &d.agent, "сервер").await, vec![ru.id.0]);
    assert_eq!(found(&d, &d.agent, "ошибки 502").await, vec![ru.id.0]);
    assert_eq!(found(&d, &d.agent, "платежів").await, vec![uk.id.0]);
    assert_eq!(found(&d, &d.agent, "invoice fails").await, vec![en.id.0]);
    assert_eq!(
        found(&d, &d.agent, "nothing like this").await,
        Vec::<i64>::new()
    );
    // Operators and quotes in the query are words, not syntax.
    assert_eq!(
        found(&d, &d.agent, "\"invoice\" OR * NEAR(").await,
        Vec::<i64>::new()
    );
    assert_eq!(
        found(&d, &d.agent, "!!! ***").await.len(),
        3,
        "no words: no text filter"
    );
    // Replies are found; internal notes only by staff.
    d.store
        .reply(
            &d.agent,
            ru.id,
            "Перезапустили балансировщик",
            true,
            monday(),
        )
        .await
        .unwrap();
    d.store
        .reply(
            &d.agent,
            ru.id,
            "Виноват хостер, диск переполнен",
            false,
            monday(),
        )
        .await
        .unwrap();
    assert_eq!(found(&d, &d.agent, "балансировщика").await, vec![ru.id.0]);
    assert_eq!(
        found(&d, &d.acme_user, "балансировщика").await,
        vec![ru.id.0]
    );
    assert_eq!(found(&d, &d.agent, "хостера").await, vec![ru.id.0]);
    assert_eq!(found(&d, &d.acme_user, "хостера").await, Vec::<i64>::new());
    // Another organisation's words find nothing for a customer.
    assert_eq!(found(&d, &d.acme_user, "invoices").await, Vec::<i64>::new());
    assert_eq!(found(&d, &d.vendor, "сервер").await, Vec::<i64>::new());
    // Tickets stored before search existed are indexed on start-up, with their replies and notes.
    assert_eq!(d.store.index_unsearched().await.unwrap(), 0);
    sqlx::any::install_default_drivers();
    let mut conn = <sqlx::AnyConnection as sqlx::Connection>::connect(&db.url)
        .await
        .unwrap();
    sqlx::Executor::execute(&mut conn, "DELETE FROM ticket_search")
        .await
        .unwrap();
    assert_eq!(found(&d, &d.agent, "сервер").await, Vec::<i64>::new());
    assert_eq!(d.store.index_unsearched().await.unwrap(), 3);
    assert_eq!(found(&d, &d.agent, "сервер").await, vec![ru.id.0]);
    assert_eq!(
        found(&d, &d.acme_user, "балансировщика").await,
        vec![ru.id.0]
    );
    assert_eq!(found(&d, &d.agent, "хостера").await, vec![ru.id.0]);
    assert_eq!(found(&d, &d.acme_user, "хостера").await, Vec::<i64>::new());
    assert_eq!(d.store.index_unsearched().await.unwrap(), 0);
}

pub async fn leads_are_bounded_per_client(backend: Backend) {
    let (_db, d) = desk(backend).await;
    let lead = d
        .store
        .create_lead(
            "Olga",
            "+380 44 123-45-67",
            "Support for our shop",
            "10.0.0.1",
            monday(),
        )
        .await
        .unwrap();
    assert_eq!(lead.name, "Olga");
    assert!(matches!(
        d.store
            .create_lead("Olga", "call me", "x", "10.0.0.1", monday())
            .await,
        Err(StoreError::Invalid { field: "phone", .. })
    ));
    assert!(matches!(
        d.store
            .create_lead(" ", "+1 555 0100", "x", "10.0.0.1", monday())
            .await,
        Err(StoreError::Invalid { field: "name", .. })
    ));
    for _ in 0..5 {
        d.store
            .create_lead("Bot", "+1 555 0100", "spam", "10.0.0.9", monday())
            .await
            .unwrap();
    }
    assert!(matches!(
        d.store
            .create_lead("Bot", "+1 555 0100", "spam", "10.0.0.9", monday())
            .await,
        Err(StoreError::RateLimited(_))
    ));
    // Another client is not held back, and an hour later the first may ask again.
    d.store
        .create_lead("Ivan", "+1 555 0101", "help", "10.0.0.2", monday())
        .await
        .unwrap();
    let later = monday() + jiff::SignedDuration::from_mins(61);
    d.store
        .create_lead("Bot", "+1 555 0100", "spam", "10.0.0.9", later)
        .await
        .unwrap();
    assert!(matches!(
        d.store.leads(&d.agent).await,
        Err(StoreError::Forbidden(_))
    ));
    let all = d.store.leads(&d.admin).await.unwrap();
    assert_eq!(all.len(), 8);
    d.store
        .handle_lead(&d.admin, lead.id, monday())
        .await
        .unwrap();
    assert!(matches!(
        d.store.handle_lead(&d.admin, lead.id, monday()).await,
        Err(StoreError::NotFound)
    ));
}

pub async fn attachments_follow_the_ticket_and_stay_internal_when_asked(backend: Backend) {
    let (_db, d) = desk(backend).await;
    let t = d.ticket(&d.acme_user, &d.acme, 4, monday()).await;
    let shot = d
        .store
        .attach(
            &d.acme_user,
            t.id,
            NewAttachment {
                file_name: "C:\\Users\\ann\\screen shot.png",
                content_type: "image/png",
                bytes: b"\x89PNG....",
                public: false,
            },
            monday(),
        )
        .await
        .unwrap();
    assert_eq!(
        (shot.file_name.as_str(), shot.public, shot.size),
        ("screen shot.png", true, 8)
    );
    let log = d
        .store
        .attach(
            &d.agent,
            t.id,
            NewAttachment {
                file_name: "../../etc/nginx.log",
                content_type: "text/plain",
                bytes: b"error",
                public: false,
            },
            monday(),
        )
        .await
        .unwrap();
    assert_eq!(log.file_name, "nginx.log");
    assert_eq!(d.store.attachments(&d.agent, t.id).await.unwrap().len(), 2);
    assert_eq!(
        d.store.attachments(&d.acme_user, t.id).await.unwrap(),
        vec![shot.clone()]
    );
    assert_eq!(
        d.store.attachment(&d.acme_user, shot.id).await.unwrap().1,
        b"\x89PNG...."
    );
    assert!(matches!(
        d.store.attachment(&d.acme_user, log.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        d.store.attachment(&d.globex_user, shot.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        d.store.attachments(&d.globex_user, t.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        d.store.attachment(&d.vendor, shot.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        d.store
            .attach(
                &d.acme_user,
                t.id,
                NewAttachment {
                    file_name: "empty.txt",
                    content_type: "text/plain",
                    bytes: b"",
                    public: true
                },
                monday()
            )
            .await,
        Err(StoreError::Invalid { field: "file", .. })
    ));
    let big = vec![0u8; tierline_store::MAX_ATTACHMENT_BYTES + 1];
    assert!(matches!(
        d.store
            .attach(
                &d.acme_user,
                t.id,
                NewAttachment {
                    file_name: "big.bin",
                    content_type: "application/octet-stream",
                    bytes: &big,
                    public: true
                },
                monday()
            )
            .await,
        Err(StoreError::Invalid { field: "file", .. })
    ));
    // The timeline shows the customer's file, not the internal one.
    let events = d.store.ticket_events(&d.acme_user, t.id).await.unwrap();
    assert_eq!(events.iter().filter(|e| e.kind == "attachment").count(), 1);
}

pub async fn the_change_feed_follows_every_change(backend: Backend) {
    let (_db, d) = desk(backend).await;
    let start = d.store.last_event_id().await.unwrap();
    let t = d.ticket(&d.acme_user, &d.acme, 4, monday()).await;
    d.store
        .reply(&d.agent, t.id, "On it", true, monday())
        .await
        .unwrap();
    let changes = d.store.changes_since(start, 100).await.unwrap();
    assert!(changes.len() >= 2);
    assert!(
        changes
            .iter()
            .all(|c| c.ticket_id == t.id && c.customer_id == d.acme.id)
    );
    assert!(changes.windows(2).all(|w| w[0].event_id < w[1].event_id));
    let last = changes.last().unwrap().event_id;
    assert_eq!(d.store.last_event_id().await.unwrap(), last);
    assert!(d.store.changes_since(last, 100).await.unwrap().is_empty());
}

pub async fn preferences_are_kept_per_user(backend: Backend) {
    let (_db, d) = desk(backend).await;
    assert_eq!(
        d.store.prefs(d.agent.user_id).await.unwrap(),
        Prefs::default()
    );
    let p = Prefs {
        language: Some("uk".into()),
        time_zone: Some("Europe/Kyiv".into()),
    };
    d.store.set_prefs(d.agent.user_id, &p).await.unwrap();
    assert_eq!(d.store.prefs(d.agent.user_id).await.unwrap(), p);
    assert_eq!(
        d.store.prefs(d.admin.user_id).await.unwrap(),
        Prefs::default()
    );
}

pub async fn only_opening_a_new_ticket_acknowledges_it(backend: Backend) {
    let (_db, d) = desk(backend).await;
    use tierline_domain::ticket::Status;
    // Resolved without a word (monitoring's auto-resolve does this), then reopened: nobody has
    // reacted yet, so the reaction clock keeps running.
    let t = d.ticket(&d.acme_user, &d.acme, 4, monday()).await;
    let t = d
        .store
        .set_status(&d.agent, t.id, Status::Resolved, None, monday())
        .await
        .unwrap();
    assert_eq!(t.first_response_at, None);
    let later = monday() + jiff::SignedDuration::from_mins(5);
    let t = d
        .store
        .set_status(&d.agent, t.id, Status::Open, None, later)
        .await
        .unwrap();
    assert_eq!(t.first_response_at, None, "a reopening is not a reaction");
    // An agent taking a new ticket into work acknowledges it.
    let u = d.ticket(&d.acme_user, &d.acme, 4, monday()).await;
    let u = d
        .store
        .set_status(&d.agent, u.id, Status::Open, None, later)
        .await
        .unwrap();
    assert_eq!(u.first_response_at, Some(later));
}

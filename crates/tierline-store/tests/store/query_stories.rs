//! Stories of the queries the store puts together: filters in every combination.

use tierline_domain::Class;
use tierline_domain::ticket::{Channel, Status};
use tierline_store::{Backend, NewTicket, TicketFilter, Viewer};

use tierline_testkit::fixtures::*;

fn request(subject: &str, class: i64) -> NewTicket {
    NewTicket {
        customer_id: None,
        system_id: None,
        subject: subject.into(),
        description: "details".into(),
        channel: Channel::Portal,
        class: Class::try_from(class).unwrap(),
        opened_at: None,
        individual_reaction: None,
        individual_resolution: None,
        auto_class: None,
    }
}

/// Text conditions (status, search) bound before and between numeric ones: placeholders
/// counted by arithmetic were right only while text came last.
pub async fn text_filters_sit_anywhere_among_the_others(backend: Backend) {
    let (_db, d) = desk(backend).await;
    let s = &d.store;
    let open = |who: Viewer, subject: &'static str, class: i64| {
        let s = s.clone();
        async move {
            s.create_ticket(&who, request(subject, class), monday())
                .await
                .unwrap()
        }
    };
    let printer4 = open(d.acme_user.clone(), "Printer jammed", 4).await;
    let printer3 = open(d.acme_user.clone(), "Printer offline", 3).await;
    let _mail = open(d.acme_user.clone(), "Mail bounces", 4).await;
    let globex = open(d.globex_user.clone(), "Printer broken", 4).await;
    s.set_status(&d.agent, printer3.id, Status::Open, None, monday())
        .await
        .unwrap();
    let run = |who: Viewer, f: TicketFilter| {
        let s = s.clone();
        async move {
            let page = s
                .tickets(
                    &who,
                    &TicketFilter {
                        limit: 50,
                        count: true,
                        ..f
                    },
                    monday(),
                )
                .await
                .unwrap();
            let ids: Vec<i64> = page.items.iter().map(|t| t.id.0).collect();
            (ids, page.total)
        }
    };
    let everything = TicketFilter {
        status: Some(Status::New),
        text: Some("printer".into()),
        class: Some(Class::try_from(4).unwrap()),
        customer_id: Some(d.acme.id),
        breached: Some(false),
        active: Some(true),
        opened_from: Some(ts("2026-11-16T00:00:00+02:00")),
        ..Default::default()
    };
    assert_eq!(
        run(d.agent.clone(), everything.clone()).await,
        (vec![printer4.id.0], Some(1))
    );
    // A customer's scope binds a number first, then the text, then more numbers.
    assert_eq!(
        run(d.acme_user.clone(), everything.clone()).await,
        (vec![printer4.id.0], Some(1))
    );
    assert_eq!(
        run(
            d.globex_user.clone(),
            TicketFilter {
                customer_id: None,
                ..everything.clone()
            }
        )
        .await,
        (vec![globex.id.0], Some(1))
    );
    assert_eq!(
        run(
            d.agent.clone(),
            TicketFilter {
                status: Some(Status::Open),
                class: Some(Class::try_from(3).unwrap()),
                ..everything
            }
        )
        .await,
        (vec![printer3.id.0], Some(1))
    );
    // A vendor's search never matches, and still binds its placeholder in turn.
    assert_eq!(
        run(
            d.vendor.clone(),
            TicketFilter {
                text: Some("printer".into()),
                status: Some(Status::New),
                line: Some(tierline_domain::ticket::Line::FIRST),
                ..Default::default()
            }
        )
        .await,
        (vec![], Some(0))
    );
}

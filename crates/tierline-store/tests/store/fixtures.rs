//! A small desk to run stories on: two customers with contracts, staff and customer users.

use jiff::Timestamp;
use jiff::civil::date;
use tierline_domain::Class;
use tierline_domain::contract::ContractTerms;
use tierline_domain::ticket::{Channel, Line};
use tierline_store::{Customer, NewTicket, NewUser, Role, Store, Ticket, Viewer};

pub fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// Monday 2026-11-16 09:00 in Kyiv.
pub fn monday() -> Timestamp {
    ts("2026-11-16T09:00:00+02:00")
}

pub fn terms(json: serde_json::Value) -> ContractTerms {
    serde_json::from_value(json).unwrap()
}

pub struct Desk {
    pub store: Store,
    pub admin: Viewer,
    pub agent: Viewer,
    pub acme: Customer,
    pub globex: Customer,
    pub acme_user: Viewer,
    pub globex_user: Viewer,
    pub vendor: Viewer,
}

pub fn viewer(u: &tierline_store::User) -> Viewer {
    Viewer::from(u)
}

async fn user(
    store: &Store,
    email: &str,
    role: Role,
    customer: Option<&Customer>,
    lines: Vec<Line>,
) -> Viewer {
    let u = store
        .create_user(
            None,
            NewUser {
                email: email.into(),
                name: email.into(),
                role,
                customer_id: customer.map(|c| c.id),
                lines,
                password: None,
            },
            monday(),
        )
        .await
        .unwrap();
    viewer(&u)
}

impl Desk {
    pub async fn new(store: Store) -> Desk {
        let admin = user(&store, "admin@desk.test", Role::Admin, None, vec![]).await;
        let agent = user(
            &store,
            "agent@desk.test",
            Role::Agent,
            None,
            vec![Line::FIRST],
        )
        .await;
        let vendor = user(&store, "vendor@hoster.test", Role::Vendor, None, vec![]).await;
        let acme = store
            .create_customer(&admin, "Acme", monday())
            .await
            .unwrap();
        let globex = store
            .create_customer(&admin, "Globex", monday())
            .await
            .unwrap();
        for (c, lines) in [(&acme, 2), (&globex, 4)] {
            let t = terms(
                serde_json::json!({"calendar": {"tz": "Europe/Kyiv", "coverage": "base"}, "lines": lines}),
            );
            store
                .create_contract_version(&admin, c.id, date(2026, 1, 1), t, monday())
                .await
                .unwrap();
        }
        let acme_user = user(&store, "ann@acme.test", Role::Customer, Some(&acme), vec![]).await;
        let globex_user = user(
            &store,
            "gus@globex.test",
            Role::Customer,
            Some(&globex),
            vec![],
        )
        .await;
        Desk {
            store,
            admin,
            agent,
            acme,
            globex,
            acme_user,
            globex_user,
            vendor,
        }
    }

    pub async fn ticket(
        &self,
        by: &Viewer,
        customer: &Customer,
        class: i64,
        at: Timestamp,
    ) -> Ticket {
        self.store
            .create_ticket(
                by,
                NewTicket {
                    customer_id: Some(customer.id),
                    system_id: None,
                    subject: "The shop is down".into(),
                    description: "Since 08:55 every page answers 502.".into(),
                    channel: Channel::Portal,
                    class: Class::try_from(class).unwrap(),
                    opened_at: None,
                    individual_reaction: None,
                    individual_resolution: None,
                    auto_class: None,
                },
                at,
            )
            .await
            .unwrap()
    }
}

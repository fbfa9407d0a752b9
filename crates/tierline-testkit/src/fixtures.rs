//! A small desk to run tests on: two customers with contracts (Kyiv calendar, base coverage),
//! an administrator, an agent on line 1, a vendor contact and a user of each customer.

use crate::TestDb;
use jiff::Timestamp;
use jiff::civil::date;
use tierline_domain::Class;
use tierline_domain::contract::ContractTerms;
use tierline_domain::ticket::{Channel, Line};
use tierline_store::{Backend, Customer, NewTicket, NewUser, Role, Store, Ticket, Viewer};

/// A timestamp from RFC 3339 text.
pub fn ts(s: &str) -> Timestamp {
    s.parse().expect("the fixture is valid")
}

/// Monday 2026-11-16 09:00 in Kyiv.
pub fn monday() -> Timestamp {
    ts("2026-11-16T09:00:00+02:00")
}

/// Contract terms from their JSON form.
pub fn terms(json: serde_json::Value) -> ContractTerms {
    serde_json::from_value(json).expect("the fixture is valid")
}

/// What [`Desk::new`] made, for the tests to use.
#[derive(Debug)]
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

/// The viewer a user acts as.
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
        .expect("the fixture is valid");
    viewer(&u)
}

impl Desk {
    /// Makes the desk in `store`, at [`monday`].
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
            .expect("the fixture is valid");
        let globex = store
            .create_customer(&admin, "Globex", monday())
            .await
            .expect("the fixture is valid");
        for (c, lines) in [(&acme, 2), (&globex, 4)] {
            let t = terms(
                serde_json::json!({"calendar": {"tz": "Europe/Kyiv", "coverage": "base"}, "lines": lines}),
            );
            store
                .create_contract_version(&admin, c.id, date(2026, 1, 1), t, monday())
                .await
                .expect("the fixture is valid");
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

    /// A portal ticket of `class` for `customer`, opened by `by` at `at`.
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
                    class: Class::try_from(class).expect("the fixture is valid"),
                    opened_at: None,
                    individual_reaction: None,
                    individual_resolution: None,
                    auto_class: None,
                },
                at,
            )
            .await
            .expect("the fixture is valid")
    }
}

/// A fresh database on `backend` with a [`Desk`] in it; keep the [`TestDb`] alive while the
/// desk is used.
pub async fn desk(backend: Backend) -> (TestDb, Desk) {
    let db = TestDb::new(backend).await;
    let store = db.store().await;
    (db, Desk::new(store).await)
}

//! `tierline demo`: a living desk to look at. Three customers on different contracts, agents on
//! four lines, and a few hundred tickets over the last three months with replies, waits,
//! escalations, class changes and some breaches, all made through the store as they would be.

use std::io::Write;

use anyhow::{Context, bail};
use jiff::civil::date;
use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use tierline_domain::Class;
use tierline_domain::contract::ContractTerms;
use tierline_domain::ticket::{Channel, Line, Status};
use tierline_store::{NewTicket, NewTimeEntry, NewUser, Role, StoreError, Viewer};

/// A small deterministic generator: the same demo every time.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[usize::try_from(self.below(items.len() as u64)).unwrap_or(0)]
    }
}

const SUBJECTS: [(i64, &str); 12] = [
    (1, "Hosting provider maintenance broke DNS"),
    (2, "Server load at 100 %, site barely answers"),
    (2, "Failover to the reserve node did not happen"),
    (3, "The whole shop returns 502"),
    (3, "Portal down after the night deploy"),
    (4, "Checkout fails on payment"),
    (4, "Orders do not reach the CRM"),
    (5, "Product search is slow"),
    (5, "Suspicious logins from abroad"),
    (6, "How do we export last year's invoices?"),
    (6, "Please add a field to the order form"),
    (6, "Update the onboarding documentation"),
];

fn viewer(u: &tierline_store::User) -> Viewer {
    Viewer::from(u)
}

fn terms(value: serde_json::Value) -> anyhow::Result<ContractTerms> {
    Ok(serde_json::from_value(value)?)
}

pub async fn run(db: &str, mut out: impl Write) -> anyhow::Result<()> {
    let store = crate::server::open(db).await?;
    let now = Timestamp::now();
    if store.user_by_email("admin@demo.test").await?.is_some() {
        bail!(
            "the demo data is already in {}; use another --db to load it again",
            crate::server::redact(db)
        );
    }
    let start = now.checked_sub(SignedDuration::from_hours(24 * 92))?;
    let password = crate::admin::random_password();
    let mk = |email: &str,
              name: &str,
              role: Role,
              customer: Option<tierline_store::CustomerId>,
              lines: Vec<Line>,
              pw: Option<String>| NewUser {
        email: email.to_owned(),
        name: name.to_owned(),
        role,
        customer_id: customer,
        lines,
        password: pw,
    };
    let admin = store
        .create_user(
            None,
            mk(
                "admin@demo.test",
                "Dana Admin",
                Role::Admin,
                None,
                vec![],
                Some(password.clone()),
            ),
            start,
        )
        .await?;
    let admin_v = viewer(&admin);
    let mut agents = Vec::new();
    for (i, name) in [
        "Ivan (line 1)",
        "Olha (line 1)",
        "Mark (line 2)",
        "Sara (line 3)",
        "Petro (line 4)",
    ]
    .iter()
    .enumerate()
    {
        let line = Line::try_from([1, 1, 2, 3, 4][i])?;
        let email = format!("agent{}@demo.test", i + 1);
        let u = store
            .create_user(
                Some(&admin_v),
                mk(
                    &email,
                    name,
                    Role::Agent,
                    None,
                    vec![line],
                    Some(password.clone()),
                ),
                start,
            )
            .await?;
        agents.push(viewer(&u));
    }
    let vendor = store
        .create_user(
            Some(&admin_v),
            mk(
                "support@hoster.test",
                "Hoster support",
                Role::Vendor,
                None,
                vec![],
                None,
            ),
            start,
        )
        .await?;

    let contracts = [
        (
            "Northwind Studio",
            json!({"calendar": {"tz": "Europe/Kyiv", "coverage": "base", "holidays": ["2026-08-24", "2026-10-01", "2026-12-25"]}, "lines": 2, "consultation_hours": 2, "base_price_usd": 900}),
        ),
        (
            "Globex Retail",
            json!({"calendar": {"tz": "Europe/Warsaw", "coverage": "base+evening+weekends"}, "lines": 3, "consultation_hours": 5, "vendor_wait_pauses": true, "base_price_usd": 1500}),
        ),
        (
            "Initech Bank",
            json!({"calendar": {"tz": "America/New_York", "coverage": "24x7"}, "lines": 4, "stability": true, "consultation_hours": 5, "base_price_usd": 3000}),
        ),
    ];
    let mut customers = Vec::new();
    for (name, t) in contracts {
        let c = store.create_customer(&admin_v, name, start).await?;
        store
            .create_system(
                &admin_v,
                c.id,
                "website",
                true,
                Some("https://example.test"),
                start,
            )
            .await?;
        store
            .create_system(&admin_v, c.id, "mail server", false, None, start)
            .await?;
        store
            .create_contract_version(&admin_v, c.id, date(2026, 1, 1), terms(t)?, start)
            .await?;
        let user_email = format!(
            "it@{}.test",
            name.split(' ').next().unwrap_or("customer").to_lowercase()
        );
        let u = store
            .create_user(
                Some(&admin_v),
                mk(
                    &user_email,
                    &format!("{name} IT"),
                    Role::Customer,
                    Some(c.id),
                    vec![],
                    Some(password.clone()),
                ),
                start,
            )
            .await?;
        customers.push((c, viewer(&u)));
    }

    let mut rng = Rng(0x5eed_1e55_c0ff_ee01);
    let mut made = 0;
    let mut t = start;
    let mut fired = 0;
    while t < now.checked_sub(SignedDuration::from_hours(2))? && made < 400 {
        // Requests arrive every few hours, around the clock.
        t = t.checked_add(SignedDuration::from_mins(
            i64::try_from(120 + rng.below(640)).unwrap_or(60),
        ))?;
        if t >= now {
            break;
        }
        // Timers fire as the simulated time passes them, as the runner would have.
        fired += fire_all(&store, t).await?;
        let (customer, customer_user) = rng.pick(&customers).clone();
        let &(class, subject) = rng.pick(&SUBJECTS);
        let class = if class == 2 && customer.name != "Initech Bank" {
            3
        } else {
            class
        };
        let by_agent = rng.chance(30);
        let channel = if by_agent {
            Channel::Phone
        } else {
            *rng.pick(&[Channel::Portal, Channel::Email, Channel::Api])
        };
        let opener = if by_agent {
            agents[0].clone()
        } else {
            customer_user.clone()
        };
        let new = NewTicket {
            customer_id: Some(customer.id),
            system_id: None,
            subject: subject.to_owned(),
            description: format!(
                "{subject}. Reported by {}.",
                customer_user_name(&customer.name)
            ),
            channel,
            class: Class::try_from(class)?,
            opened_at: None,
            individual_reaction: None,
            individual_resolution: Some(SignedDuration::from_hours(8)).filter(|_| class == 2),
            auto_class: None,
        };
        let ticket = store
            .create_ticket(&opener, new, t)
            .await
            .context("demo ticket")?;
        made += 1;
        let agent = rng.pick(&agents[..2]).clone();
        let mut at = t;
        let step = |rng: &mut Rng, at: Timestamp, max_mins: u64| {
            at.checked_add(SignedDuration::from_mins(
                i64::try_from(5 + rng.below(max_mins)).unwrap_or(5),
            ))
        };
        // Most are answered in time; some wait too long, which makes the breaches of the demo.
        let slow = rng.chance(15);
        at = step(&mut rng, at, if slow { 900 } else { 90 })?;
        fired += fire_all(&store, at.min(now)).await?;
        if at >= now {
            continue;
        }
        ignore_closed(
            store
                .reply(
                    &agent,
                    ticket.id,
                    "Thanks, we are looking into it.",
                    true,
                    at,
                )
                .await,
        )?;
        store
            .assign(&agent, ticket.id, Some(agent.user_id), at)
            .await?;
        if rng.chance(25) {
            at = step(&mut rng, at, 60)?;
            fired += fire_all(&store, at.min(now)).await?;
            store
                .set_status(
                    &agent,
                    ticket.id,
                    Status::WaitingForCustomer,
                    Some("need logs"),
                    at,
                )
                .await?;
            at = step(&mut rng, at, 600)?;
            fired += fire_all(&store, at.min(now)).await?;
            if at >= now {
                continue;
            }
            store
                .reply(&customer_user, ticket.id, "Logs attached.", true, at)
                .await?;
        }
        if rng.chance(30) {
            at = step(&mut rng, at, 60)?;
            fired += fire_all(&store, at.min(now)).await?;
            ignore_line(
                store
                    .move_line(&agent, ticket.id, true, "needs deeper investigation", at)
                    .await,
            )?;
        }
        if rng.chance(8) && class != 6 {
            at = step(&mut rng, at, 30)?;
            fired += fire_all(&store, at.min(now)).await?;
            let other = Class::try_from(if class > 3 { class - 1 } else { class + 1 })?;
            store
                .set_class(
                    &agent,
                    ticket.id,
                    other,
                    "re-qualified after the first look",
                    at,
                )
                .await?;
        }
        if customer.name == "Initech Bank" && rng.chance(10) {
            for _ in 0..3 {
                ignore_line(
                    store
                        .move_line(&agents[3], ticket.id, true, "hardware at the hoster", at)
                        .await,
                )?;
            }
            let block = tierline_store::VendorBlock {
                vendor: "Hoster Ltd".into(),
                external_ref: Some(format!("HX-{}", 1000 + made)),
                vendor_status: Some("in progress".into()),
                promise: Some("replacement within 4 hours".into()),
                promised_by: at.checked_add(SignedDuration::from_hours(4)).ok(),
                contact_id: Some(vendor.id),
            };
            ignore_line(
                store
                    .set_vendor(&agents[4], ticket.id, block, at)
                    .await
                    .map(|_| ()),
            )?;
        }
        let minutes = i64::try_from(15 + rng.below(120)).unwrap_or(30);
        store
            .log_time(
                &agent,
                ticket.id,
                NewTimeEntry {
                    minutes,
                    note: "worked on it".into(),
                    consultation: None,
                    worked_at: Some(at),
                },
                at,
            )
            .await?;
        // Older tickets are mostly done; the last days stay open in the queues.
        if at < now.checked_sub(SignedDuration::from_hours(72))? || rng.chance(30) {
            at = step(&mut rng, at, 480)?;
            fired += fire_all(&store, at.min(now)).await?;
            if at >= now {
                continue;
            }
            store
                .set_status(&agent, ticket.id, Status::Resolved, None, at)
                .await?;
            if rng.chance(70) {
                at = step(&mut rng, at, 1440)?;
                fired += fire_all(&store, at.min(now)).await?;
                if at < now {
                    store
                        .set_status(&customer_user, ticket.id, Status::Closed, None, at)
                        .await?;
                }
            }
        }
    }
    // Warnings and breaches that fell due in the simulated past are recorded as they would have been.
    fired += fire_all(&store, now).await?;
    let (_, token) = store.create_token(None, admin.id, "demo", now).await?;
    store.close().await;
    writeln!(
        out,
        "Loaded the demo into {}: 3 customers, 6 staff, {made} tickets over 3 months, {fired} SLA warnings and breaches.",
        crate::server::redact(db)
    )?;
    writeln!(
        out,
        "Sign in as admin@demo.test, agent1@demo.test … agent5@demo.test or it@northwind.test with the password: {password}"
    )?;
    writeln!(out, "API token of admin@demo.test: {token}")?;
    writeln!(
        out,
        "Next: tierline serve, then e.g. curl -H 'Authorization: Bearer {token}' http://127.0.0.1:8080/api/v1/tickets?line=1"
    )?;
    Ok(())
}

async fn fire_all(store: &tierline_store::Store, at: Timestamp) -> Result<usize, StoreError> {
    let mut fired = 0;
    loop {
        let batch = store.fire_due_timers(at, 1000).await?;
        if batch.is_empty() {
            return Ok(fired);
        }
        fired += batch.len();
    }
}

fn customer_user_name(customer: &str) -> String {
    format!("{customer} IT")
}

/// A reply on a ticket a customer closed meanwhile is not worth failing the demo over.
fn ignore_closed<T>(r: Result<T, StoreError>) -> Result<(), StoreError> {
    match r {
        Ok(_)
        | Err(StoreError::Invalid {
            field: "status", ..
        }) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Escalating past a contract's last line is refused by design; the demo just stops there.
fn ignore_line(r: Result<impl Sized, StoreError>) -> Result<(), StoreError> {
    match r {
        Ok(_) | Err(StoreError::Invalid { field: "line", .. }) => Ok(()),
        Err(e) => Err(e),
    }
}

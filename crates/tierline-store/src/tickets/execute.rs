//! The one executor of changes to a ticket: lock it, look up what the command names, ask the
//! domain's `decide`, then write the events, the records beside them, the ticket with its
//! recomputed clocks and timers, the search index and the audit entry, and commit: one
//! transaction, so a ticket and its timeline cannot disagree.

use jiff::Timestamp;
use sqlx::{Any, Row, Transaction};
use tierline_domain::workflow::{Command, Decision, Effect, Lookups, TicketState, decide, prepare};

use super::insert_event;
use crate::time::to_db;
use crate::{
    Attachment, Role, Store, StoreError, Ticket, TicketEvent, TicketId, TimeEntry, UserId,
    VendorBlock, Viewer, audit,
};

/// What a command did.
#[derive(Clone, Debug)]
pub struct Executed {
    /// The ticket after.
    pub ticket: Ticket,
    /// The timeline entries written, in order.
    pub events: Vec<TicketEvent>,
    /// The files stored (`Attach`).
    pub attachments: Vec<Attachment>,
    /// The time logged (`LogTime`).
    pub time_entry: Option<TimeEntry>,
    /// The vendor block recorded (`Vendor`).
    pub vendor: Option<VendorBlock>,
}

impl Store {
    /// Executes one command on a ticket the viewer may see, all of it or nothing.
    pub async fn execute(
        &self,
        viewer: &Viewer,
        id: TicketId,
        command: Command,
        now: Timestamp,
    ) -> Result<Executed, StoreError> {
        // What needs no ticket is refused before looking for one, as it always was.
        let command = prepare(viewer, &command, now)?;
        let (mut tx, t, contract) = self.lock(viewer, id).await?;
        let lookups = lookups(&mut tx, &command).await?;
        let vendor = match command {
            Command::Escalate { .. } | Command::Deescalate { .. } | Command::Vendor(_) => {
                crate::vendor::block_of(&mut tx, id).await?
            }
            _ => None,
        };
        let state = state_of(&t, vendor, lookups);
        let d = decide(&state, &contract, viewer, &command, now)?;
        let mut out = Executed {
            ticket: t,
            events: Vec::with_capacity(d.events.len()),
            attachments: Vec::new(),
            time_entry: None,
            vendor: None,
        };
        for e in &d.events {
            out.events
                .push(insert_event(&mut tx, id, now, Some(viewer.user_id), e).await?);
        }
        self.apply(&mut tx, viewer, &mut out, &d, now).await?;
        // Only what changes the ticket itself re-times it; the records beside it do not.
        if !matches!(
            command,
            Command::Vendor(_) | Command::Attach { .. } | Command::LogTime(_)
        ) {
            let t = apply_state(out.ticket, &d.state);
            out.ticket = self.finish(&mut tx, t, &contract, now).await?;
        }
        // Each file has its own audit entry, with its id.
        if !matches!(command, Command::Attach { .. }) {
            audit::record(
                &mut tx,
                now,
                Some(viewer.user_id),
                d.action,
                &format!("ticket:{id}"),
                &d.audit,
            )
            .await?;
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Writes the records a decision asks for beside its events.
    async fn apply(
        &self,
        tx: &mut Transaction<'static, Any>,
        viewer: &Viewer,
        out: &mut Executed,
        d: &Decision,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let t = &out.ticket;
        for effect in &d.effects {
            match effect {
                Effect::Index { text, public } => {
                    crate::search::index_more(tx, self.backend(), t.id, text, *public).await?;
                }
                Effect::Train { class } => {
                    sqlx::query("INSERT INTO classifier_examples (subject, body, class, ticket_id, created_at) VALUES ($1, $2, $3, $4, $5)")
                        .bind(&t.subject)
                        .bind(&t.description)
                        .bind(i64::from(class.number()))
                        .bind(t.id.0)
                        .bind(to_db(now))
                        .execute(&mut **tx)
                        .await?;
                }
                Effect::EndVendorShare => crate::vendor::end_share(tx, t.id, now).await?,
                Effect::StoreVendor(block) => {
                    crate::vendor::store(tx, t.id, block, now).await?;
                    out.vendor = Some(block.clone());
                }
                Effect::StoreTime(time) => {
                    out.time_entry =
                        Some(crate::time_entries::insert(tx, t, viewer.user_id, time, now).await?);
                }
                Effect::StoreFiles(files) => {
                    out.attachments = self.store_files(tx, viewer, t, files, now).await?;
                }
            }
        }
        Ok(())
    }
}

/// Facts about the records a command names, read in the ticket's transaction.
async fn lookups(
    tx: &mut Transaction<'static, Any>,
    command: &Command,
) -> Result<Lookups, StoreError> {
    let mut l = Lookups::default();
    match command {
        Command::Assign { assignee: Some(a) } => {
            l.assignee_is_agent = user_role(tx, *a)
                .await?
                .is_some_and(|(role, disabled)| role.is_staff() && !disabled);
        }
        Command::Group { group: Some(g) } => {
            l.group_exists = sqlx::query("SELECT 1 AS one FROM agent_groups WHERE id = $1")
                .bind(g)
                .fetch_optional(&mut **tx)
                .await?
                .is_some();
        }
        Command::Vendor(VendorBlock {
            contact_id: Some(c),
            ..
        }) => {
            l.contact_is_vendor = user_role(tx, *c)
                .await?
                .is_some_and(|(role, _)| role == Role::Vendor);
        }
        _ => {}
    }
    Ok(l)
}

async fn user_role(
    tx: &mut Transaction<'static, Any>,
    id: UserId,
) -> Result<Option<(Role, bool)>, StoreError> {
    let row = sqlx::query("SELECT role, disabled FROM users WHERE id = $1")
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|r| {
        Ok((
            crate::viewer::parse_role(&r.try_get::<String, _>("role")?)?,
            r.try_get::<i64, _>("disabled")? != 0,
        ))
    })
    .transpose()
}

fn state_of(t: &Ticket, vendor: Option<VendorBlock>, lookups: Lookups) -> TicketState {
    TicketState {
        customer: t.customer_id,
        status: t.status,
        class: t.class,
        line: t.line,
        assignee: t.assignee_id,
        group: t.group_id,
        needs_qualification: t.needs_qualification,
        first_response_at: t.first_response_at,
        resolved_at: t.resolved_at,
        spec_agreed_at: t.spec_agreed_at,
        work_started_at: t.work_started_at,
        vendor,
        lookups,
    }
}

fn apply_state(mut t: Ticket, s: &TicketState) -> Ticket {
    t.status = s.status;
    t.class = s.class;
    t.line = s.line;
    t.assignee_id = s.assignee;
    t.group_id = s.group;
    t.needs_qualification = s.needs_qualification;
    t.first_response_at = s.first_response_at;
    t.resolved_at = s.resolved_at;
    t.spec_agreed_at = s.spec_agreed_at;
    t.work_started_at = s.work_started_at;
    t
}

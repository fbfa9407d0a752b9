//! Recording a new request: its ticket, opening events and first clocks, once per idempotency key.

use super::{COLUMNS, NewTicket, secs, ticket};
use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use sqlx::Row;
use tierline_domain::ticket::{Line, Status, StatusSpan, TicketFacts, next_due};
use tierline_domain::workflow::Event;
use tierline_domain::workflow::event::Created;

use crate::batch::{Arg, Batch};
use crate::customers::non_empty;
use crate::own_sql;
use crate::time::to_db;
use crate::{Attachment, NewAttachment, Role, Store, StoreError, Ticket, TicketId, Viewer};
use tierline_domain::workflow::CheckedFile;

impl Store {
    /// Records a new request on line 1, with its clocks started at `opened_at` (or now).
    pub async fn create_ticket(
        &self,
        viewer: &Viewer,
        new: NewTicket,
        now: Timestamp,
    ) -> Result<Ticket, StoreError> {
        Ok(self.create_ticket_once(viewer, new, now, None).await?.0)
    }

    /// Like [`Store::create_ticket`], with an idempotency key and a digest of the request: a
    /// repeat of the same request with the same key returns the first ticket (`true`: replayed)
    /// and writes nothing; the same key with another request is refused.
    pub async fn create_ticket_once(
        &self,
        viewer: &Viewer,
        new: NewTicket,
        now: Timestamp,
        idempotency: Option<(&str, &str)>,
    ) -> Result<(Ticket, bool), StoreError> {
        let (t, replayed, _) = self
            .create_ticket_with_files(viewer, new, &[], now, idempotency)
            .await?;
        Ok((t, replayed))
    }

    /// Records a new request and its files in ONE transaction: a file refused (its size, name,
    /// the customer's quota or rate) leaves no ticket, so a resubmit with good files makes
    /// exactly one. The idempotency key works as in [`Store::create_ticket_once`]; a replay
    /// stores no files again and returns none.
    pub async fn create_ticket_with_files(
        &self,
        viewer: &Viewer,
        new: NewTicket,
        files: &[NewAttachment<'_>],
        now: Timestamp,
        idempotency: Option<(&str, &str)>,
    ) -> Result<(Ticket, bool, Vec<Attachment>), StoreError> {
        // Refused before anything is written: what needs no database.
        let checked = Store::checked_files(viewer, files, now)?;
        if let Some((key, hash)) = idempotency {
            if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| (0x21..0x7f).contains(&b))
            {
                return Err(StoreError::invalid(
                    "Idempotency-Key",
                    "must be 1 to 255 visible ASCII characters",
                ));
            }
            if let Some(t) = self.replay(viewer, key, hash).await? {
                return Ok((t, true, Vec::new()));
            }
        }
        match self
            .insert_ticket(viewer, new, checked, now, idempotency)
            .await
        {
            // Two requests with one key raced; the loser answers with the winner's ticket.
            Err(StoreError::Conflict(_)) if idempotency.is_some() => {
                let (key, hash) = idempotency.unwrap_or_default();
                self.replay(viewer, key, hash)
                    .await?
                    .map(|t| (t, true, Vec::new()))
                    .ok_or(StoreError::Conflict("an idempotency key"))
            }
            other => other.map(|(t, a)| (t, false, a)),
        }
    }

    pub(super) async fn replay(
        &self,
        viewer: &Viewer,
        key: &str,
        hash: &str,
    ) -> Result<Option<Ticket>, StoreError> {
        let row = sqlx::query(
            "SELECT request_hash, ticket_id FROM idempotency_keys WHERE user_id = $1 AND key = $2",
        )
        .bind(viewer.user_id.0)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        if row.try_get::<String, _>("request_hash")? != hash {
            return Err(StoreError::invalid(
                "Idempotency-Key",
                "was used before with a different request",
            ));
        }
        Ok(Some(
            self.ticket(viewer, TicketId(row.try_get("ticket_id")?))
                .await?,
        ))
    }

    pub(super) async fn insert_ticket(
        &self,
        viewer: &Viewer,
        new: NewTicket,
        files: Vec<CheckedFile>,
        now: Timestamp,
        idempotency: Option<(&str, &str)>,
    ) -> Result<(Ticket, Vec<Attachment>), StoreError> {
        let customer_id = match (viewer.role, new.customer_id) {
            (Role::Customer, Some(c)) if Some(c) != viewer.customer_id => {
                return Err(StoreError::invalid("customer_id", "no such customer"));
            }
            (Role::Customer, _) => viewer.customer_id.ok_or(StoreError::NotFound)?,
            (Role::Vendor, _) => {
                return Err(StoreError::Forbidden("vendor contacts do not open tickets"));
            }
            (_, Some(c)) => c,
            (_, None) => return Err(StoreError::invalid("customer_id", "is required")),
        };
        let opened_at = match new.opened_at {
            Some(_) if !viewer.is_staff() => {
                return Err(StoreError::invalid(
                    "opened_at",
                    "only agents may set when a request arrived",
                ));
            }
            Some(t) if t > now => {
                return Err(StoreError::invalid(
                    "opened_at",
                    "must not be in the future",
                ));
            }
            Some(t) => t,
            None => now,
        };
        if let Some(s) = new.system_id
            && self
                .system_of(s)
                .await?
                .is_none_or(|s| s.customer_id != customer_id)
        {
            return Err(StoreError::invalid(
                "system_id",
                "no such system for this customer",
            ));
        }
        let subject = non_empty("subject", &new.subject, 300)?;
        let description = new.description.trim().to_owned();
        if description.chars().count() > 100_000 {
            return Err(StoreError::invalid(
                "description",
                "must be at most 100000 characters",
            ));
        }
        let reaction = secs(new.individual_reaction, "individual_reaction")?;
        let resolution = secs(new.individual_resolution, "individual_resolution")?;
        let (version_id, contract) = self.contract_in_force(customer_id, opened_at).await?;
        let channel = json!(new.channel).as_str().unwrap_or("api").to_owned();

        // The clocks of a new ticket follow from what is already known: computing them before
        // the transaction keeps the single writer's critical section short.
        let facts = TicketFacts {
            class: new.class,
            opened_at,
            statuses: vec![StatusSpan {
                status: Status::New,
                from: opened_at,
                until: None,
            }],
            first_response_at: None,
            resolved_at: None,
            spec_agreed_at: None,
            work_started_at: None,
            individual_reaction: reaction.map(SignedDuration::from_secs),
            individual_resolution: resolution.map(SignedDuration::from_secs),
        };
        let clocks = facts
            .clocks(&contract, now)
            .map_err(|e| StoreError::invalid("ticket", e.to_string()))?;
        let next_due_at = next_due(&clocks);
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(own_sql(format!(
            "INSERT INTO tickets (customer_id, system_id, contract_version_id, subject, description, channel, class, line, \
             status, created_by, opened_at, individual_reaction_secs, individual_resolution_secs, updated_at, next_due_at, \
             needs_qualification) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, 'new', $8, $9, $10, $11, $12, $13, $14) RETURNING {COLUMNS}"
        )))
        .bind(customer_id.0)
        .bind(new.system_id.map(|s| s.0))
        .bind(version_id.0)
        .bind(&subject)
        .bind(&description)
        .bind(&channel)
        .bind(i64::from(new.class.number()))
        .bind(viewer.user_id.0)
        .bind(to_db(opened_at))
        .bind(reaction)
        .bind(resolution)
        .bind(to_db(now))
        .bind(next_due_at.map(to_db))
        .bind(i64::from(new.auto_class.as_ref().is_some_and(|a| a.needs_qualification)))
        .fetch_one(&mut *tx)
        .await?;
        let t = ticket(&row)?;
        if let Some((key, hash)) = idempotency {
            sqlx::query("INSERT INTO idempotency_keys (user_id, key, request_hash, ticket_id, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(viewer.user_id.0)
                .bind(key)
                .bind(hash)
                .bind(t.id.0)
                .bind(to_db(now))
                .execute(&mut *tx)
                .await
                .map_err(|e| StoreError::unique(e, "an idempotency key"))?;
        }
        // The timeline's first event, the timers and the audit entry in one round trip.
        let mut batch = Batch::default();
        let created = Event::Created(Created {
            status: Status::New,
            class: new.class,
            line: Line::FIRST,
            channel: new.channel,
            classified: new.auto_class.as_ref().map(|a| json!(a)),
        });
        batch.push(
            "INSERT INTO ticket_events (ticket_id, at, actor_id, kind, public, data) VALUES ($1, $2, $3, 'created', 1, $4)",
            vec![Arg::Int(t.id.0), Arg::Int(to_db(opened_at)), Arg::Int(viewer.user_id.0), Arg::Text(created.data().to_string())],
        );
        let (sql, args) =
            crate::search::index_new(self.backend(), t.id, &format!("{subject}\n{description}"));
        batch.push(sql, args);
        if let Some((sql, args)) = crate::timers::fresh_rows(t.id, &clocks) {
            batch.push(sql, args);
        }
        batch.push(
            "INSERT INTO audit_log (at, actor_id, action, object, detail) VALUES ($1, $2, 'ticket.create', $3, $4)",
            vec![
                Arg::Int(to_db(now)),
                Arg::Int(viewer.user_id.0),
                Arg::Text(format!("ticket:{}", t.id)),
                Arg::Text(json!({"customer_id": customer_id}).to_string()),
            ],
        );
        batch.run(self.backend(), &mut tx).await?;
        let attachments = if files.is_empty() {
            Vec::new()
        } else {
            self.store_files(&mut tx, viewer, &t, &files, now).await?
        };
        tx.commit().await?;
        Ok((t, attachments))
    }
}

//! Tickets: creation, the timeline, status, class, line and assignment, and the queue.
//!
//! Every change runs in one write transaction that locks the ticket, appends its events,
//! recomputes the nearest due time with the domain's clocks (never re-implemented here) and
//! writes the audit entry, so a ticket and its timeline cannot disagree.

use jiff::{SignedDuration, Timestamp};
use serde_json::json;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use tierline_domain::Class;
use tierline_domain::contract::Contract;
use tierline_domain::sla::ClockKind;
use tierline_domain::ticket::{
    Channel, Line, Status, StatusSpan, TicketClock, TicketFacts, next_due,
};

use crate::batch::{Arg, Batch};
use crate::customers::non_empty;
use crate::own_sql;
use crate::time::{from_db, opt_from_db, to_db};
use crate::{
    ContractVersionId, CustomerId, EventId, Role, Store, StoreError, SystemId, Ticket, TicketEvent,
    TicketId, UserId, Viewer, audit,
};

/// A request to record.
#[derive(Clone, Debug)]
pub struct NewTicket {
    /// The organisation; customer users may leave it out (it is theirs) and cannot name another.
    pub customer_id: Option<CustomerId>,
    /// The system concerned.
    pub system_id: Option<SystemId>,
    /// Subject line.
    pub subject: String,
    /// What is wrong.
    pub description: String,
    /// Where it came from.
    pub channel: Channel,
    /// Its class.
    pub class: Class,
    /// When it arrived, if earlier than now (a phone call typed in afterwards); staff only.
    pub opened_at: Option<Timestamp>,
    /// An individual reaction target.
    pub individual_reaction: Option<SignedDuration>,
    /// An individual resolution target.
    pub individual_resolution: Option<SignedDuration>,
    /// What the classifier said, when it chose the class.
    pub auto_class: Option<crate::AutoClass>,
}

/// Filters of the ticket list; all optional.
#[derive(Clone, Debug, Default)]
pub struct TicketFilter {
    /// Status.
    pub status: Option<Status>,
    /// Class.
    pub class: Option<Class>,
    /// Line.
    pub line: Option<Line>,
    /// Organisation.
    pub customer_id: Option<CustomerId>,
    /// Assignee.
    pub assignee_id: Option<UserId>,
    /// Only tickets nobody is assigned to (true) or someone is (false).
    pub unassigned: Option<bool>,
    /// Group.
    pub group_id: Option<i64>,
    /// Only tickets the classifier was unsure of (true) or not (false).
    pub needs_qualification: Option<bool>,
    /// Only tickets whose nearest running clock is past due (true) or not (false).
    pub breached: Option<bool>,
    /// Only tickets whose nearest due time is before this.
    pub due_before: Option<Timestamp>,
    /// Words to find (by their stems) in the subject, description and replies; agents' searches
    /// also reach internal notes.
    pub text: Option<String>,
    /// Only tickets opened at or after this.
    pub opened_from: Option<Timestamp>,
    /// Only tickets opened before this.
    pub opened_before: Option<Timestamp>,
    /// Only active tickets (not resolved or closed): what a queue shows.
    pub active: Option<bool>,
    /// Also count every match (costs a scan of the matches; queues of active tickets are cheap).
    pub count: bool,
    /// Page size, 1–200.
    pub limit: i64,
    /// Tickets to skip.
    pub offset: i64,
}

/// A page of tickets, nearest due first.
#[derive(Clone, Debug, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketPage {
    /// The tickets.
    pub items: Vec<Ticket>,
    /// Whether more match after this page.
    pub has_more: bool,
    /// How many match in all, when asked for with `count`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<i64>,
}

const COLUMNS: &str = "id, customer_id, system_id, contract_version_id, subject, description, channel, class, line, status, \
    assignee_id, group_id, needs_qualification, created_by, opened_at, first_response_at, resolved_at, spec_agreed_at, work_started_at, \
    individual_reaction_secs, individual_resolution_secs, next_due_at, updated_at";

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_owned())
}

fn ticket(r: &AnyRow) -> Result<Ticket, StoreError> {
    let channel: String = r.try_get("channel")?;
    let status: String = r.try_get("status")?;
    Ok(Ticket {
        id: TicketId(r.try_get("id")?),
        customer_id: CustomerId(r.try_get("customer_id")?),
        system_id: r.try_get::<Option<i64>, _>("system_id")?.map(SystemId),
        contract_version_id: ContractVersionId(r.try_get("contract_version_id")?),
        subject: r.try_get("subject")?,
        description: r.try_get("description")?,
        channel: serde_json::from_value(json!(channel)).map_err(|_| corrupt("channel"))?,
        class: Class::try_from(r.try_get::<i64, _>("class")?).map_err(|_| corrupt("class"))?,
        line: Line::try_from(r.try_get::<i64, _>("line")?).map_err(|_| corrupt("line"))?,
        status: Status::parse(&status).ok_or_else(|| corrupt("status"))?,
        assignee_id: r.try_get::<Option<i64>, _>("assignee_id")?.map(UserId),
        group_id: r.try_get("group_id")?,
        needs_qualification: r.try_get::<i64, _>("needs_qualification")? != 0,
        created_by: r.try_get::<Option<i64>, _>("created_by")?.map(UserId),
        opened_at: from_db(r.try_get("opened_at")?)?,
        first_response_at: opt_from_db(r.try_get("first_response_at")?)?,
        resolved_at: opt_from_db(r.try_get("resolved_at")?)?,
        spec_agreed_at: opt_from_db(r.try_get("spec_agreed_at")?)?,
        work_started_at: opt_from_db(r.try_get("work_started_at")?)?,
        individual_reaction_secs: r.try_get("individual_reaction_secs")?,
        individual_resolution_secs: r.try_get("individual_resolution_secs")?,
        next_due_at: opt_from_db(r.try_get("next_due_at")?)?,
        updated_at: from_db(r.try_get("updated_at")?)?,
    })
}

fn event(r: &AnyRow) -> Result<TicketEvent, StoreError> {
    Ok(TicketEvent {
        id: EventId(r.try_get("id")?),
        ticket_id: TicketId(r.try_get("ticket_id")?),
        at: from_db(r.try_get("at")?)?,
        actor_id: r.try_get::<Option<i64>, _>("actor_id")?.map(UserId),
        kind: r.try_get("kind")?,
        public: r.try_get::<i64, _>("public")? != 0,
        data: serde_json::from_str(&r.try_get::<String, _>("data")?)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
    })
}

fn secs(d: Option<SignedDuration>, field: &'static str) -> Result<Option<i64>, StoreError> {
    match d {
        Some(d) if d.is_negative() || d.is_zero() => {
            Err(StoreError::invalid(field, "must be a positive duration"))
        }
        Some(d) => Ok(Some(d.as_secs())),
        None => Ok(None),
    }
}

/// One change to a ticket, as the timeline records it.
struct Change {
    kind: &'static str,
    public: bool,
    data: serde_json::Value,
}

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
        if let Some((key, hash)) = idempotency {
            if key.is_empty() || key.len() > 255 || !key.bytes().all(|b| (0x21..0x7f).contains(&b))
            {
                return Err(StoreError::invalid(
                    "Idempotency-Key",
                    "must be 1 to 255 visible ASCII characters",
                ));
            }
            if let Some(t) = self.replay(viewer, key, hash).await? {
                return Ok((t, true));
            }
        }
        match self.insert_ticket(viewer, new, now, idempotency).await {
            // Two requests with one key raced; the loser answers with the winner's ticket.
            Err(StoreError::Conflict(_)) if idempotency.is_some() => {
                let (key, hash) = idempotency.unwrap_or_default();
                self.replay(viewer, key, hash)
                    .await?
                    .map(|t| (t, true))
                    .ok_or(StoreError::Conflict("an idempotency key"))
            }
            other => other.map(|t| (t, false)),
        }
    }

    async fn replay(
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

    async fn insert_ticket(
        &self,
        viewer: &Viewer,
        new: NewTicket,
        now: Timestamp,
        idempotency: Option<(&str, &str)>,
    ) -> Result<Ticket, StoreError> {
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
        let mut created =
            json!({"status": "new", "class": new.class, "line": 1, "channel": new.channel});
        if let Some(auto) = &new.auto_class {
            created["classified"] = json!(auto);
        }
        batch.push(
            "INSERT INTO ticket_events (ticket_id, at, actor_id, kind, public, data) VALUES ($1, $2, $3, 'created', 1, $4)",
            vec![Arg::Int(t.id.0), Arg::Int(to_db(opened_at)), Arg::Int(viewer.user_id.0), Arg::Text(created.to_string())],
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
        tx.commit().await?;
        Ok(t)
    }

    /// One ticket, if the viewer may see it.
    pub async fn ticket(&self, viewer: &Viewer, id: TicketId) -> Result<Ticket, StoreError> {
        let (sql, scope) = scoped(
            &format!("SELECT {COLUMNS} FROM tickets WHERE id = $1"),
            viewer,
            2,
        );
        let mut q = sqlx::query(own_sql(sql.clone())).bind(id.0);
        if let Some(c) = scope {
            q = q.bind(c);
        }
        let row = q
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound)?;
        ticket(&row)
    }

    /// A ticket with its clocks evaluated at `now`.
    pub async fn ticket_with_clocks(
        &self,
        viewer: &Viewer,
        id: TicketId,
        now: Timestamp,
    ) -> Result<(Ticket, Vec<TicketClock>), StoreError> {
        let t = self.ticket(viewer, id).await?;
        let contract = self.contract_by_id(t.contract_version_id).await?;
        let spans = status_spans(&t, &self.status_events(&self.pool, t.id).await?)?;
        let clocks = facts(&t, spans)
            .clocks(&contract, now)
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok((t, clocks))
    }

    /// The clocks of a page of tickets the caller already holds (a queue), evaluated at `now`:
    /// one query for all their status changes, contracts from the cache. In the order given.
    pub async fn clocks_of(
        &self,
        tickets: &[Ticket],
        now: Timestamp,
    ) -> Result<Vec<Vec<TicketClock>>, StoreError> {
        if tickets.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders = (1..=tickets.len())
            .map(|i| format!("${i}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT ticket_id, at, data FROM ticket_events WHERE kind = 'status' AND ticket_id IN ({placeholders}) ORDER BY id"
        );
        let mut q = sqlx::query(own_sql(sql));
        for t in tickets {
            q = q.bind(t.id.0);
        }
        let mut moves: std::collections::HashMap<i64, Vec<(Timestamp, Status)>> =
            std::collections::HashMap::new();
        for r in q.fetch_all(&self.pool).await? {
            let data: serde_json::Value = serde_json::from_str(&r.try_get::<String, _>("data")?)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?;
            let to = data["to"]
                .as_str()
                .and_then(Status::parse)
                .ok_or_else(|| corrupt("status event"))?;
            moves
                .entry(r.try_get("ticket_id")?)
                .or_default()
                .push((from_db(r.try_get("at")?)?, to));
        }
        let mut out = Vec::with_capacity(tickets.len());
        for t in tickets {
            let contract = self.contract_by_id(t.contract_version_id).await?;
            let spans = status_spans(t, moves.get(&t.id.0).map_or(&[][..], Vec::as_slice))?;
            out.push(
                facts(t, spans)
                    .clocks(&contract, now)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            );
        }
        Ok(out)
    }

    /// The timeline; customer users see only its public entries.
    pub async fn ticket_events(
        &self,
        viewer: &Viewer,
        id: TicketId,
    ) -> Result<Vec<TicketEvent>, StoreError> {
        self.ticket(viewer, id).await?;
        let public_only = match viewer.role {
            Role::Admin | Role::Agent => "",
            Role::Customer => " AND public = 1",
            // A vendor sees the escalation and the notes exchanged with it, nothing of the customer's.
            Role::Vendor => " AND kind IN ('vendor', 'vendor_note')",
        };
        let rows = sqlx::query(own_sql(format!(
            "SELECT id, ticket_id, at, actor_id, kind, public, data FROM ticket_events WHERE ticket_id = $1{public_only} ORDER BY id"
        )))
        .bind(id.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(event).collect()
    }

    /// Tickets the viewer may see, nearest due first, then oldest.
    pub async fn tickets(
        &self,
        viewer: &Viewer,
        filter: &TicketFilter,
        now: Timestamp,
    ) -> Result<TicketPage, StoreError> {
        let mut conds: Vec<String> = Vec::new();
        let mut binds: Vec<i64> = Vec::new();
        let mut text_binds: Vec<(usize, String)> = Vec::new();
        let mut add = |cond: &str, v: i64, conds: &mut Vec<String>| {
            binds.push(v);
            conds.push(cond.replace('?', &format!("${}", binds.len())));
        };
        match viewer.role {
            Role::Admin | Role::Agent => {}
            Role::Customer => add(
                "customer_id = ?",
                viewer.customer_id.map_or(0, |c| c.0),
                &mut conds,
            ),
            Role::Vendor => add(
                "line = 4 AND id IN (SELECT ticket_id FROM vendor_escalations WHERE contact_id = ?)",
                viewer.user_id.0,
                &mut conds,
            ),
        }
        if let Some(c) = filter.customer_id {
            add("customer_id = ?", c.0, &mut conds);
        }
        if let Some(c) = filter.class {
            add("class = ?", i64::from(c.number()), &mut conds);
        }
        if let Some(l) = filter.line {
            add("line = ?", i64::from(l.number()), &mut conds);
        }
        if let Some(q) = filter.needs_qualification {
            add("needs_qualification = ?", i64::from(q), &mut conds);
        }
        if let Some(g) = filter.group_id {
            add("group_id = ?", g, &mut conds);
        }
        if let Some(a) = filter.assignee_id {
            add("assignee_id = ?", a.0, &mut conds);
        }
        match filter.breached {
            Some(true) => add("next_due_at < ?", to_db(now), &mut conds),
            Some(false) => add(
                "(next_due_at IS NULL OR next_due_at >= ?)",
                to_db(now),
                &mut conds,
            ),
            None => {}
        }
        if let Some(t) = filter.due_before {
            add("next_due_at < ?", to_db(t), &mut conds);
        }
        match filter.unassigned {
            Some(true) => conds.push("assignee_id IS NULL".to_owned()),
            Some(false) => conds.push("assignee_id IS NOT NULL".to_owned()),
            None => {}
        }
        match filter.active {
            // Spelled as in the partial index's condition, so that SQLite picks it.
            Some(true) => conds.push("status NOT IN ('resolved', 'closed')".to_owned()),
            Some(false) => conds.push("status IN ('resolved', 'closed')".to_owned()),
            None => {}
        }
        if let Some(t) = filter.opened_from {
            add("opened_at >= ?", to_db(t), &mut conds);
        }
        if let Some(t) = filter.opened_before {
            add("opened_at < ?", to_db(t), &mut conds);
        }
        if let Some(s) = filter.status {
            text_binds.push((binds.len() + 1, s.as_str().to_owned()));
            conds.push(format!("status = ${}", binds.len() + text_binds.len()));
        }
        if let Some(text) = &filter.text
            && let Some((cond, q)) = crate::search::condition(
                self.backend(),
                viewer,
                text,
                binds.len() + text_binds.len() + 1,
            )
        {
            text_binds.push((0, q));
            conds.push(cond);
        }
        let where_ = if conds.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", conds.join(" AND "))
        };
        let n = binds.len() + text_binds.len();
        let list_sql = format!(
            "SELECT {COLUMNS} FROM tickets{where_} ORDER BY COALESCE(next_due_at, 9223372036854775807), id LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        );
        let count_sql = format!("SELECT COUNT(*) AS n FROM tickets{where_}");
        let mut list = sqlx::query(own_sql(list_sql.clone()));
        let mut count = sqlx::query(own_sql(count_sql.clone()));
        for b in &binds {
            list = list.bind(*b);
            count = count.bind(*b);
        }
        for (_, t) in &text_binds {
            list = list.bind(t.clone());
            count = count.bind(t.clone());
        }
        let limit = filter.limit.clamp(1, 200);
        // One more than asked tells whether there is a next page without counting.
        let mut rows = list
            .bind(limit + 1)
            .bind(filter.offset.max(0))
            .fetch_all(&self.pool)
            .await?;
        let has_more = i64::try_from(rows.len()).unwrap_or(i64::MAX) > limit;
        rows.truncate(usize::try_from(limit).unwrap_or(200));
        let total = if filter.count {
            Some(count.fetch_one(&self.pool).await?.try_get("n")?)
        } else {
            None
        };
        Ok(TicketPage {
            items: rows.iter().map(ticket).collect::<Result<_, _>>()?,
            has_more,
            total,
        })
    }

    /// A reply (public) or an internal note. The first public reply of an agent meets the
    /// reaction clock and opens a new ticket; a customer's reply brings a ticket waiting for them
    /// back to open.
    pub async fn reply(
        &self,
        viewer: &Viewer,
        id: TicketId,
        body: &str,
        public: bool,
        now: Timestamp,
    ) -> Result<TicketEvent, StoreError> {
        let body = non_empty("body", body, 100_000)?;
        if !public && viewer.role == Role::Customer {
            return Err(StoreError::Forbidden("only agents write internal notes"));
        }
        // What a vendor writes is for the desk, never the customer's timeline.
        let (kind, public) = match (viewer.role, public) {
            (Role::Vendor, _) => ("vendor_note", false),
            (_, true) => ("reply", true),
            (_, false) => ("note", false),
        };
        let (mut tx, mut t, contract) = self.lock(viewer, id).await?;
        if t.status == Status::Closed {
            return Err(StoreError::invalid("status", "the ticket is closed"));
        }
        let ev = insert_event(
            &mut tx,
            id,
            now,
            Some(viewer.user_id),
            &Change {
                kind,
                public,
                data: json!({"body": body}),
            },
        )
        .await?;
        crate::search::index_more(&mut tx, self.backend(), id, &body, public).await?;
        if viewer.is_staff() && public {
            if t.first_response_at.is_none() {
                t.first_response_at = Some(now);
            }
            if t.status == Status::New {
                self.move_status(&mut tx, &mut t, viewer, Status::Open, now, None)
                    .await?;
            }
        } else if viewer.role == Role::Customer && t.status == Status::WaitingForCustomer {
            self.move_status(&mut tx, &mut t, viewer, Status::Open, now, None)
                .await?;
        }
        self.finish(&mut tx, t, &contract, now).await?;
        audit::record(
            &mut tx,
            now,
            Some(viewer.user_id),
            if public {
                "ticket.reply"
            } else {
                "ticket.note"
            },
            &format!("ticket:{id}"),
            &json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(ev)
    }

    /// Moves a ticket to another status. Customers may only reopen a resolved ticket or confirm
    /// it (close). An agent opening a new ticket acknowledges it, which meets the reaction clock.
    pub async fn set_status(
        &self,
        viewer: &Viewer,
        id: TicketId,
        status: Status,
        reason: Option<&str>,
        now: Timestamp,
    ) -> Result<Ticket, StoreError> {
        let (mut tx, mut t, contract) = self.lock(viewer, id).await?;
        if !t.status.can_move_to(status) {
            return Err(StoreError::invalid(
                "status",
                format!(
                    "a ticket cannot move from {} to {}",
                    t.status.as_str(),
                    status.as_str()
                ),
            ));
        }
        let customer_may = viewer.role == Role::Customer
            && t.status == Status::Resolved
            && matches!(status, Status::Open | Status::Closed);
        if !(viewer.is_staff() || customer_may) {
            return Err(StoreError::Forbidden(
                "customers may only reopen or confirm a resolved ticket",
            ));
        }
        // Opening a new ticket is an agent's acknowledgement and meets the reaction clock;
        // reopening a resolved one (monitoring does, when an outage returns) is not.
        let acknowledges = t.status == Status::New && status == Status::Open;
        self.move_status(&mut tx, &mut t, viewer, status, now, reason)
            .await?;
        if viewer.is_staff() && acknowledges && t.first_response_at.is_none() {
            t.first_response_at = Some(now);
        }
        self.commit_change(
            tx,
            t,
            &contract,
            viewer,
            now,
            "ticket.status",
            json!({"status": status}),
        )
        .await
    }

    /// Changes the class, with a reason (agents only); the clocks are re-timed from the original
    /// start under the new class's targets.
    pub async fn set_class(
        &self,
        viewer: &Viewer,
        id: TicketId,
        class: Class,
        reason: &str,
        now: Timestamp,
    ) -> Result<Ticket, StoreError> {
        viewer.require_staff()?;
        let reason = non_empty("reason", reason, 2000)?;
        let (mut tx, mut t, contract) = self.lock(viewer, id).await?;
        // Confirming the class of a ticket the classifier was unsure of is a qualification too.
        if t.class == class && !t.needs_qualification {
            return Err(StoreError::invalid(
                "class",
                "the ticket already has this class",
            ));
        }
        insert_event(
            &mut tx,
            id,
            now,
            Some(viewer.user_id),
            &Change {
                kind: "class",
                public: false,
                data: json!({"from": t.class, "to": class, "reason": reason, "qualified": t.needs_qualification}),
            },
        )
        .await?;
        // Every agent's decision on a class teaches the classifier.
        sqlx::query("INSERT INTO classifier_examples (subject, body, class, ticket_id, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&t.subject)
            .bind(&t.description)
            .bind(i64::from(class.number()))
            .bind(id.0)
            .bind(to_db(now))
            .execute(&mut *tx)
            .await?;
        t.class = class;
        t.needs_qualification = false;
        self.commit_change(
            tx,
            t,
            &contract,
            viewer,
            now,
            "ticket.class",
            json!({"class": class}),
        )
        .await
    }

    /// Escalates (`up`) or de-escalates a ticket one line, with a reason (agents only); never past
    /// the contract's last line.
    pub async fn move_line(
        &self,
        viewer: &Viewer,
        id: TicketId,
        up: bool,
        reason: &str,
        now: Timestamp,
    ) -> Result<Ticket, StoreError> {
        viewer.require_staff()?;
        let reason = non_empty("reason", reason, 2000)?;
        let (mut tx, mut t, contract) = self.lock(viewer, id).await?;
        let to = if up {
            t.line.escalate(contract.terms().lines)
        } else {
            t.line.deescalate()
        }
        .map_err(|e| StoreError::invalid("line", e.to_string()))?;
        insert_event(
            &mut tx,
            id,
            now,
            Some(viewer.user_id),
            &Change {
                kind: "line",
                public: false,
                data: json!({"from": t.line, "to": to, "reason": reason}),
            },
        )
        .await?;
        if t.line.number() == 4 && to.number() != 4 {
            crate::vendor::end_share(&mut tx, id, viewer.user_id, now).await?;
        }
        t.line = to;
        self.commit_change(
            tx,
            t,
            &contract,
            viewer,
            now,
            if up {
                "ticket.escalate"
            } else {
                "ticket.deescalate"
            },
            json!({"line": to}),
        )
        .await
    }

    /// Gives a ticket to a group, or takes it away from one (agents only).
    pub async fn assign_group(
        &self,
        viewer: &Viewer,
        id: TicketId,
        group: Option<i64>,
        now: Timestamp,
    ) -> Result<Ticket, StoreError> {
        viewer.require_staff()?;
        if let Some(g) = group {
            match self.group(viewer, g).await {
                Err(StoreError::NotFound) => {
                    return Err(StoreError::invalid("group_id", "no such group"));
                }
                other => {
                    other?;
                }
            }
        }
        let (mut tx, mut t, _) = self.lock(viewer, id).await?;
        insert_event(
            &mut tx,
            id,
            now,
            Some(viewer.user_id),
            &Change {
                kind: "group",
                public: false,
                data: json!({"from": t.group_id, "to": group}),
            },
        )
        .await?;
        sqlx::query("UPDATE tickets SET group_id = $1, updated_at = $2 WHERE id = $3")
            .bind(group)
            .bind(to_db(now))
            .bind(id.0)
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            now,
            Some(viewer.user_id),
            "ticket.group",
            &format!("ticket:{id}"),
            &json!({"group_id": group}),
        )
        .await?;
        tx.commit().await?;
        t.group_id = group;
        t.updated_at = now;
        Ok(t)
    }

    /// Assigns a ticket to an agent, or unassigns it (agents only).
    pub async fn assign(
        &self,
        viewer: &Viewer,
        id: TicketId,
        assignee: Option<UserId>,
        now: Timestamp,
    ) -> Result<Ticket, StoreError> {
        viewer.require_staff()?;
        if let Some(a) = assignee {
            let u = self.user_unscoped(a).await?;
            if !u.is_some_and(|u| matches!(u.role, Role::Agent | Role::Admin) && !u.disabled) {
                return Err(StoreError::invalid("assignee_id", "no such agent"));
            }
        }
        let (mut tx, mut t, contract) = self.lock(viewer, id).await?;
        insert_event(
            &mut tx,
            id,
            now,
            Some(viewer.user_id),
            &Change {
                kind: "assignee",
                public: false,
                data: json!({"from": t.assignee_id, "to": assignee}),
            },
        )
        .await?;
        t.assignee_id = assignee;
        self.commit_change(
            tx,
            t,
            &contract,
            viewer,
            now,
            "ticket.assign",
            json!({"assignee_id": assignee}),
        )
        .await
    }

    /// Class 6: records that the specification was agreed (starting the work-start clock) or that
    /// work started (stopping it). Agents only.
    pub async fn mark_class6(
        &self,
        viewer: &Viewer,
        id: TicketId,
        kind: ClockKind,
        now: Timestamp,
    ) -> Result<Ticket, StoreError> {
        viewer.require_staff()?;
        let (mut tx, mut t, contract) = self.lock(viewer, id).await?;
        if t.class.number() != 6 {
            return Err(StoreError::invalid(
                "class",
                "only class 6 requests have a work-start clock",
            ));
        }
        let what = match kind {
            ClockKind::WorkStart if t.spec_agreed_at.is_none() => {
                t.spec_agreed_at = Some(now);
                "spec_agreed"
            }
            ClockKind::WorkStart if t.work_started_at.is_none() => {
                t.work_started_at = Some(now);
                "work_started"
            }
            _ => {
                return Err(StoreError::invalid(
                    "milestone",
                    "the specification is agreed and work has started already",
                ));
            }
        };
        insert_event(
            &mut tx,
            id,
            now,
            Some(viewer.user_id),
            &Change {
                kind: "milestone",
                public: true,
                data: json!({"milestone": what}),
            },
        )
        .await?;
        self.commit_change(
            tx,
            t,
            &contract,
            viewer,
            now,
            "ticket.milestone",
            json!({"milestone": what}),
        )
        .await
    }

    /// Writes a changed ticket with its recomputed clocks, records the audit entry and commits:
    /// the common end of every change to a ticket.
    #[allow(
        clippy::too_many_arguments,
        reason = "the parts of one change, passed through once"
    )]
    async fn commit_change(
        &self,
        mut tx: Transaction<'static, Any>,
        t: Ticket,
        contract: &Contract,
        viewer: &Viewer,
        now: Timestamp,
        action: &str,
        detail: serde_json::Value,
    ) -> Result<Ticket, StoreError> {
        let id = t.id;
        let t = self.finish(&mut tx, t, contract, now).await?;
        audit::record(
            &mut tx,
            now,
            Some(viewer.user_id),
            action,
            &format!("ticket:{id}"),
            &detail,
        )
        .await?;
        tx.commit().await?;
        Ok(t)
    }

    /// Opens a write transaction holding the ticket, checked against the viewer.
    async fn lock(
        &self,
        viewer: &Viewer,
        id: TicketId,
    ) -> Result<(Transaction<'static, Any>, Ticket, std::sync::Arc<Contract>), StoreError> {
        let mut tx = self.begin_write().await?;
        let (sql, scope) = scoped(
            &format!("SELECT {COLUMNS} FROM tickets WHERE id = $1"),
            viewer,
            2,
        );
        let sql = format!("{sql}{}", self.for_update());
        let mut q = sqlx::query(own_sql(sql.clone())).bind(id.0);
        if let Some(c) = scope {
            q = q.bind(c);
        }
        let row = q
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        let t = ticket(&row)?;
        let contract = self.contract_by_id(t.contract_version_id).await?;
        Ok((tx, t, contract))
    }

    async fn move_status(
        &self,
        tx: &mut Transaction<'static, Any>,
        t: &mut Ticket,
        viewer: &Viewer,
        to: Status,
        now: Timestamp,
        reason: Option<&str>,
    ) -> Result<(), StoreError> {
        insert_event(
            tx,
            t.id,
            now,
            Some(viewer.user_id),
            &Change {
                kind: "status",
                public: true,
                data: json!({"from": t.status, "to": to, "reason": reason}),
            },
        )
        .await?;
        match to {
            Status::Resolved => t.resolved_at = Some(now),
            Status::Closed => {}
            _ => t.resolved_at = None,
        }
        t.status = to;
        Ok(())
    }

    /// Writes the ticket's fields and its recomputed nearest due time.
    async fn finish(
        &self,
        tx: &mut Transaction<'static, Any>,
        mut t: Ticket,
        contract: &Contract,
        now: Timestamp,
    ) -> Result<Ticket, StoreError> {
        let spans = status_spans(&t, &self.status_events(&mut **tx, t.id).await?)?;
        let clocks = facts(&t, spans)
            .clocks(contract, now)
            .map_err(|e| StoreError::invalid("ticket", e.to_string()))?;
        t.next_due_at = next_due(&clocks);
        t.updated_at = now;
        crate::timers::sync(tx, t.id, &clocks).await?;
        sqlx::query(
            "UPDATE tickets SET class = $1, line = $2, status = $3, assignee_id = $4, first_response_at = $5, resolved_at = $6, \
             spec_agreed_at = $7, work_started_at = $8, next_due_at = $9, updated_at = $10, needs_qualification = $12 WHERE id = $11",
        )
        .bind(i64::from(t.class.number()))
        .bind(i64::from(t.line.number()))
        .bind(t.status.as_str())
        .bind(t.assignee_id.map(|a| a.0))
        .bind(t.first_response_at.map(to_db))
        .bind(t.resolved_at.map(to_db))
        .bind(t.spec_agreed_at.map(to_db))
        .bind(t.work_started_at.map(to_db))
        .bind(t.next_due_at.map(to_db))
        .bind(to_db(now))
        .bind(t.id.0)
        .bind(i64::from(t.needs_qualification))
        .execute(&mut **tx)
        .await?;
        Ok(t)
    }

    async fn status_events<'e, E>(
        &self,
        executor: E,
        id: TicketId,
    ) -> Result<Vec<(Timestamp, Status)>, StoreError>
    where
        E: sqlx::Executor<'e, Database = Any>,
    {
        let rows = sqlx::query("SELECT at, data FROM ticket_events WHERE ticket_id = $1 AND kind = 'status' ORDER BY id")
            .bind(id.0)
            .fetch_all(executor)
            .await?;
        rows.iter()
            .map(|r| {
                let data: serde_json::Value =
                    serde_json::from_str(&r.try_get::<String, _>("data")?)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                let to = data["to"]
                    .as_str()
                    .and_then(Status::parse)
                    .ok_or_else(|| corrupt("status event"))?;
                Ok((from_db(r.try_get("at")?)?, to))
            })
            .collect()
    }
}

/// Adds the condition a confined viewer needs, as parameter `$n`: a customer user sees its
/// organisation's tickets, a vendor contact the line-4 tickets shared with it (the share ends when
/// the ticket leaves line 4, see `move_line`; the line condition holds even for a stale share).
fn scoped(sql: &str, viewer: &Viewer, n: usize) -> (String, Option<i64>) {
    match viewer.role {
        Role::Admin | Role::Agent => (sql.to_owned(), None),
        Role::Customer => (
            format!("{sql} AND customer_id = ${n}"),
            Some(viewer.customer_id.map_or(0, |c| c.0)),
        ),
        Role::Vendor => (
            format!(
                "{sql} AND line = 4 AND id IN (SELECT ticket_id FROM vendor_escalations WHERE contact_id = ${n})"
            ),
            Some(viewer.user_id.0),
        ),
    }
}

async fn insert_event(
    tx: &mut Transaction<'static, Any>,
    ticket_id: TicketId,
    at: Timestamp,
    actor: Option<UserId>,
    change: &Change,
) -> Result<TicketEvent, StoreError> {
    let row = sqlx::query(
        "INSERT INTO ticket_events (ticket_id, at, actor_id, kind, public, data) VALUES ($1, $2, $3, $4, $5, $6) \
         RETURNING id, ticket_id, at, actor_id, kind, public, data",
    )
    .bind(ticket_id.0)
    .bind(to_db(at))
    .bind(actor.map(|a| a.0))
    .bind(change.kind)
    .bind(i64::from(change.public))
    .bind(change.data.to_string())
    .fetch_one(&mut **tx)
    .await?;
    event(&row)
}

/// The status history as spans: `new` from the opening, then each recorded move.
fn status_spans(t: &Ticket, moves: &[(Timestamp, Status)]) -> Result<Vec<StatusSpan>, StoreError> {
    let mut spans = vec![StatusSpan {
        status: Status::New,
        from: t.opened_at,
        until: None,
    }];
    for &(at, status) in moves {
        if let Some(last) = spans.last_mut() {
            last.until = Some(at.max(last.from));
        }
        spans.push(StatusSpan {
            status,
            from: at,
            until: None,
        });
    }
    // Spans that lasted no time (several moves in one instant) say nothing and would be refused
    // as empty pauses.
    spans.retain(|s| s.until.is_none_or(|u| u > s.from));
    Ok(spans)
}

fn facts(t: &Ticket, statuses: Vec<StatusSpan>) -> TicketFacts {
    TicketFacts {
        class: t.class,
        opened_at: t.opened_at,
        statuses,
        first_response_at: t.first_response_at,
        resolved_at: t.resolved_at,
        spec_agreed_at: t.spec_agreed_at,
        work_started_at: t.work_started_at,
        individual_reaction: t.individual_reaction_secs.map(SignedDuration::from_secs),
        individual_resolution: t.individual_resolution_secs.map(SignedDuration::from_secs),
    }
}

//! Tickets: create, list, read with clocks, the timeline, and every change an agent makes.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use tierline_domain::Class;
use tierline_domain::sla::ClockKind;
use tierline_domain::ticket::{Channel, Line, Status, TicketClock};
use tierline_store::{
    CustomerId, NewTicket, SystemId, Ticket, TicketEvent, TicketFilter, TicketId, TicketPage,
    UserId,
};

use crate::auth::Auth;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::{ApiError, AppState};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewTicketBody {
    #[serde(default)]
    customer_id: Option<CustomerId>,
    #[serde(default)]
    system_id: Option<SystemId>,
    subject: String,
    #[serde(default)]
    description: String,
    #[serde(default = "api_channel")]
    channel: Channel,
    class: Class,
    #[serde(default)]
    opened_at: Option<Timestamp>,
    #[serde(default)]
    individual_reaction_minutes: Option<u32>,
    #[serde(default)]
    individual_resolution_minutes: Option<u32>,
}

fn api_channel() -> Channel {
    Channel::Api
}

fn minutes(m: Option<u32>) -> Option<SignedDuration> {
    m.map(|m| SignedDuration::from_mins(i64::from(m)))
}

pub async fn create(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiJson(b): ApiJson<NewTicketBody>,
) -> Result<(StatusCode, Json<Ticket>), ApiError> {
    let new = NewTicket {
        customer_id: b.customer_id,
        system_id: b.system_id,
        subject: b.subject,
        description: b.description,
        channel: b.channel,
        class: b.class,
        opened_at: b.opened_at,
        individual_reaction: minutes(b.individual_reaction_minutes),
        individual_resolution: minutes(b.individual_resolution_minutes),
    };
    Ok((
        StatusCode::CREATED,
        Json(s.store.create_ticket(&v, new, s.clock.now()).await?),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    status: Option<Status>,
    class: Option<Class>,
    line: Option<Line>,
    customer_id: Option<CustomerId>,
    assignee_id: Option<UserId>,
    breached: Option<bool>,
    due_before: Option<Timestamp>,
    limit: Option<i64>,
    offset: Option<i64>,
}

pub async fn list(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<TicketPage>, ApiError> {
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::field("limit", "must be between 1 and 200"));
    }
    let filter = TicketFilter {
        status: q.status,
        class: q.class,
        line: q.line,
        customer_id: q.customer_id,
        assignee_id: q.assignee_id,
        breached: q.breached,
        due_before: q.due_before,
        limit,
        offset: q.offset.unwrap_or(0).max(0),
    };
    Ok(Json(s.store.tickets(&v, &filter, s.clock.now()).await?))
}

/// A ticket with its clocks as they stand now.
#[derive(Serialize)]
pub struct TicketView {
    #[serde(flatten)]
    ticket: Ticket,
    clocks: Vec<TicketClock>,
}

pub async fn get(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<TicketView>, ApiError> {
    let (ticket, clocks) = s
        .store
        .ticket_with_clocks(&v, TicketId(id), s.clock.now())
        .await?;
    Ok(Json(TicketView { ticket, clocks }))
}

pub async fn events(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<TicketEvent>>, ApiError> {
    Ok(Json(s.store.ticket_events(&v, TicketId(id)).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplyBody {
    body: String,
    #[serde(default = "yes")]
    public: bool,
}

fn yes() -> bool {
    true
}

pub async fn reply(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ReplyBody>,
) -> Result<(StatusCode, Json<TicketEvent>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(
            s.store
                .reply(&v, TicketId(id), &b.body, b.public, s.clock.now())
                .await?,
        ),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    status: Status,
    #[serde(default)]
    reason: Option<String>,
}

pub async fn status(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<StatusBody>,
) -> Result<Json<Ticket>, ApiError> {
    Ok(Json(
        s.store
            .set_status(
                &v,
                TicketId(id),
                b.status,
                b.reason.as_deref(),
                s.clock.now(),
            )
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassBody {
    class: Class,
    reason: String,
}

pub async fn class(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ClassBody>,
) -> Result<Json<Ticket>, ApiError> {
    Ok(Json(
        s.store
            .set_class(&v, TicketId(id), b.class, &b.reason, s.clock.now())
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    reason: String,
}

pub async fn escalate(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> Result<Json<Ticket>, ApiError> {
    Ok(Json(
        s.store
            .move_line(&v, TicketId(id), true, &b.reason, s.clock.now())
            .await?,
    ))
}

pub async fn deescalate(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> Result<Json<Ticket>, ApiError> {
    Ok(Json(
        s.store
            .move_line(&v, TicketId(id), false, &b.reason, s.clock.now())
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    assignee_id: Option<UserId>,
}

pub async fn assign(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<AssignBody>,
) -> Result<Json<Ticket>, ApiError> {
    Ok(Json(
        s.store
            .assign(&v, TicketId(id), b.assignee_id, s.clock.now())
            .await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MilestoneBody {
    milestone: Milestone,
}

#[derive(Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Milestone {
    SpecAgreed,
    WorkStarted,
}

pub async fn milestone(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<MilestoneBody>,
) -> Result<Json<Ticket>, ApiError> {
    let id = TicketId(id);
    let current = s.store.ticket(&v, id).await?;
    // The two milestones come in order; asking for the wrong one says so instead of guessing.
    let expected = if current.spec_agreed_at.is_none() {
        Milestone::SpecAgreed
    } else {
        Milestone::WorkStarted
    };
    if b.milestone != expected {
        return Err(ApiError::field(
            "milestone",
            "the specification is agreed first, then work starts",
        ));
    }
    Ok(Json(
        s.store
            .mark_class6(&v, id, ClockKind::WorkStart, s.clock.now())
            .await?,
    ))
}

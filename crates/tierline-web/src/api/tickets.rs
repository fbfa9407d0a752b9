//! Tickets: create, list, read with clocks, the timeline, and every change an agent makes.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use tierline_desk::Milestone;
use tierline_desk::{
    Command, CustomerId, NewRequest, Opened, SystemId, Ticket, TicketEvent, TicketFilter, TicketId,
    TicketPage, UserId,
};
use tierline_domain::Class;
use tierline_domain::ticket::{Channel, Line, Status, TicketClock};

use crate::auth::Auth;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use crate::extract::{ApiBytes, ApiJson, ApiPath, ApiQuery, parse_json};
use crate::{ApiError, AppState};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTicketBody {
    #[serde(default)]
    customer_id: Option<CustomerId>,
    #[serde(default)]
    system_id: Option<SystemId>,
    /// One line (no control characters), 1–300 characters once trimmed.
    #[schema(min_length = 1, max_length = 300)]
    subject: String,
    /// Line breaks and tabs allowed, no other control characters; at most 100000 characters.
    #[serde(default)]
    #[schema(max_length = 100_000)]
    description: String,
    #[serde(default = "api_channel")]
    channel: Channel,
    /// Left out, the classifier chooses (and says how sure it is). Agents only: a customer's
    /// request is always classified.
    #[serde(default)]
    class: Option<Class>,
    /// When the request arrived, if earlier than now (agents only).
    #[serde(default)]
    opened_at: Option<Timestamp>,
    /// The individual reaction target agreed for this request (agents only).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 527_040)]
    individual_reaction_minutes: Option<u32>,
    /// The individual resolution target agreed for this request (agents only).
    #[serde(default)]
    #[schema(minimum = 1, maximum = 527_040)]
    individual_resolution_minutes: Option<u32>,
}

/// The longest individual target: a year of minutes (the schema repeats the figure).
const MAX_INDIVIDUAL_MINUTES: u32 = 366 * 24 * 60;

fn api_channel() -> Channel {
    Channel::Api
}

fn minutes(m: Option<u32>) -> Option<SignedDuration> {
    m.map(|m| SignedDuration::from_mins(i64::from(m)))
}

#[utoipa::path(post, path = "/api/v1/tickets", tag = "tickets", summary = "Record a request; it opens on line 1 with its clocks started", request_body = NewTicketBody, params(("Idempotency-Key" = Option<String>, Header, description = "Retry-safe creation: a repeat with the same key and body returns the first ticket (200, Idempotent-Replayed: true)")), responses((status = 201, description = "Created", body = Ticket), (status = 200, description = "Replayed: the ticket an earlier request with this Idempotency-Key made", body = Ticket), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn create(
    State(s): State<AppState>,
    Auth(v): Auth,
    headers: HeaderMap,
    ApiBytes(bytes): ApiBytes,
) -> Result<Response, ApiError> {
    let b: NewTicketBody = parse_json(&headers, &bytes)?;
    // A customer may set no target at all: the desk says so, whatever the value.
    for (field, m) in [
        ("individual_reaction_minutes", b.individual_reaction_minutes),
        (
            "individual_resolution_minutes",
            b.individual_resolution_minutes,
        ),
    ] {
        if v.is_staff() && m.is_some_and(|m| !(1..=MAX_INDIVIDUAL_MINUTES).contains(&m)) {
            return Err(ApiError::field(
                field,
                format!("must be between 1 and {MAX_INDIVIDUAL_MINUTES} minutes"),
            ));
        }
    }
    let key = match headers.get("idempotency-key") {
        Some(k) => Some(
            k.to_str()
                .map_err(|_| ApiError::field("Idempotency-Key", "must be visible ASCII"))?,
        ),
        None => None,
    };
    // The raw bytes are the request's fingerprint: a retry sends the same ones.
    let fingerprint = tierline_desk::secrets::sha256_hex(&bytes);
    let mut new = NewRequest::new(b.channel, b.subject, b.description);
    new.customer_id = b.customer_id;
    new.system_id = b.system_id;
    new.class = b.class;
    new.opened_at = b.opened_at;
    new.individual_reaction = minutes(b.individual_reaction_minutes);
    new.individual_resolution = minutes(b.individual_resolution_minutes);
    new.idempotency = key.map(|k| (k.to_owned(), fingerprint));
    let Opened {
        ticket, replayed, ..
    } = s.desk.open_request(&v, new, s.clock.now()).await?;
    if replayed {
        return Ok((
            StatusCode::OK,
            [("idempotent-replayed", "true")],
            Json(ticket),
        )
            .into_response());
    }
    Ok((StatusCode::CREATED, Json(ticket)).into_response())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    status: Option<Status>,
    class: Option<Class>,
    line: Option<Line>,
    customer_id: Option<CustomerId>,
    assignee_id: Option<UserId>,
    group_id: Option<i64>,
    /// Only tickets nobody is assigned to (true), or someone is (false).
    unassigned: Option<bool>,
    /// Only tickets the classifier was unsure of, waiting for qualification.
    needs_qualification: Option<bool>,
    breached: Option<bool>,
    due_before: Option<Timestamp>,
    /// Only active tickets (not resolved or closed): a queue.
    active: Option<bool>,
    /// Words to find by their stems (Russian, Ukrainian, English) in the subject, description and
    /// replies; agents' searches also reach internal notes.
    q: Option<String>,
    /// Only tickets opened at or after this instant.
    opened_from: Option<Timestamp>,
    /// Only tickets opened before this instant.
    opened_before: Option<Timestamp>,
    /// Also count all matches (`total`); costs a scan of the matches.
    count: Option<bool>,
    /// How many to return, 1–200 (50 when left out).
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
    /// How many to skip, 0 or more.
    #[param(minimum = 0)]
    offset: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/tickets", tag = "tickets", summary = "Tickets the caller may see, nearest due first", params(ListQuery), responses((status = 200, description = "Done", body = TicketPage), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn list(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> Result<Json<TicketPage>, ApiError> {
    let limit = q.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::field("limit", "must be between 1 and 200"));
    }
    let offset = q.offset.unwrap_or(0);
    if offset < 0 {
        return Err(ApiError::field("offset", "must be 0 or more"));
    }
    let filter = TicketFilter {
        status: q.status,
        class: q.class,
        line: q.line,
        customer_id: q.customer_id,
        assignee_id: q.assignee_id,
        group_id: q.group_id,
        unassigned: q.unassigned,
        needs_qualification: q.needs_qualification,
        breached: q.breached,
        due_before: q.due_before,
        active: q.active,
        text: q.q,
        opened_from: q.opened_from,
        opened_before: q.opened_before,
        count: q.count.unwrap_or(false),
        limit,
        offset,
    };
    Ok(Json(s.desk.tickets(&v, &filter, s.clock.now()).await?))
}

/// A ticket with its clocks as they stand now.
#[derive(Serialize, utoipa::ToSchema)]
pub struct TicketView {
    #[serde(flatten)]
    ticket: Ticket,
    clocks: Vec<TicketClock>,
}

#[utoipa::path(get, path = "/api/v1/tickets/{id}", tag = "tickets", summary = "A ticket with its SLA clocks as they stand now", params(("id" = i64, Path, description = "Ticket id")), responses((status = 200, description = "Done", body = TicketView), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn get(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<TicketView>, ApiError> {
    let (ticket, clocks) = s
        .desk
        .ticket_with_clocks(&v, TicketId(id), s.clock.now())
        .await?;
    Ok(Json(TicketView { ticket, clocks }))
}

#[utoipa::path(get, path = "/api/v1/tickets/{id}/events", tag = "tickets", summary = "A ticket's timeline (customers see its public entries)", params(("id" = i64, Path, description = "Ticket id")), responses((status = 200, description = "Done", body = Vec<TicketEvent>), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn events(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<TicketEvent>>, ApiError> {
    Ok(Json(s.desk.ticket_events(&v, TicketId(id)).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReplyBody {
    /// Line breaks and tabs allowed, no other control characters.
    #[schema(min_length = 1, max_length = 100_000)]
    body: String,
    #[serde(default = "yes")]
    public: bool,
}

fn yes() -> bool {
    true
}

#[utoipa::path(post, path = "/api/v1/tickets/{id}/replies", tag = "tickets", summary = "A public reply or an internal note", request_body = ReplyBody, params(("id" = i64, Path, description = "Ticket id")), responses((status = 201, description = "Done", body = TicketEvent), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn reply(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ReplyBody>,
) -> Result<(StatusCode, Json<TicketEvent>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(
            change(
                &s,
                &v,
                id,
                Command::Reply {
                    body: b.body,
                    public: b.public,
                },
            )
            .await?
            .event
            .ok_or(ApiError::internal("a reply made no event"))?,
        ),
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    status: Status,
    #[serde(default)]
    #[schema(max_length = 2000)]
    reason: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/tickets/{id}/status", tag = "tickets", summary = "Move to another status", request_body = StatusBody, params(("id" = i64, Path, description = "Ticket id")), responses((status = 200, description = "Done", body = Ticket), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn status(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<StatusBody>,
) -> Result<Json<Ticket>, ApiError> {
    Ok(Json(
        change(
            &s,
            &v,
            id,
            Command::Status {
                to: b.status,
                reason: b.reason,
            },
        )
        .await?
        .ticket,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassBody {
    class: Class,
    #[schema(min_length = 1, max_length = 2000)]
    reason: String,
}

#[utoipa::path(post, path = "/api/v1/tickets/{id}/class", tag = "tickets", summary = "Change the class with a reason; the clocks are re-timed", request_body = ClassBody, params(("id" = i64, Path, description = "Ticket id")), responses((status = 200, description = "Done", body = Ticket), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn class(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ClassBody>,
) -> Result<Json<Ticket>, ApiError> {
    let command = Command::Reclassify {
        class: b.class,
        reason: b.reason,
    };
    Ok(Json(change(&s, &v, id, command).await?.ticket))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReasonBody {
    #[schema(min_length = 1, max_length = 2000)]
    reason: String,
}

#[utoipa::path(post, path = "/api/v1/tickets/{id}/escalate", tag = "tickets", summary = "Escalate one line, with a reason", request_body = ReasonBody, params(("id" = i64, Path, description = "Ticket id")), responses((status = 200, description = "Done", body = Ticket), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn escalate(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> Result<Json<Ticket>, ApiError> {
    Ok(Json(
        change(&s, &v, id, Command::Escalate { reason: b.reason })
            .await?
            .ticket,
    ))
}

#[utoipa::path(post, path = "/api/v1/tickets/{id}/deescalate", tag = "tickets", summary = "De-escalate one line, with a reason", request_body = ReasonBody, params(("id" = i64, Path, description = "Ticket id")), responses((status = 200, description = "Done", body = Ticket), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn deescalate(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> Result<Json<Ticket>, ApiError> {
    Ok(Json(
        change(&s, &v, id, Command::Deescalate { reason: b.reason })
            .await?
            .ticket,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    assignee_id: Option<UserId>,
}

#[utoipa::path(post, path = "/api/v1/tickets/{id}/assign", tag = "tickets", summary = "Assign to an agent, or unassign", request_body = AssignBody, params(("id" = i64, Path, description = "Ticket id")), responses((status = 200, description = "Done", body = Ticket), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn assign(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<AssignBody>,
) -> Result<Json<Ticket>, ApiError> {
    Ok(Json(
        change(
            &s,
            &v,
            id,
            Command::Assign {
                assignee: b.assignee_id,
            },
        )
        .await?
        .ticket,
    ))
}

/// Changes ticket `id` through the desk, at the desk's clock.
async fn change(
    s: &AppState,
    v: &tierline_desk::Viewer,
    id: i64,
    command: Command,
) -> Result<tierline_desk::Changed, ApiError> {
    Ok(s.desk
        .change(v, TicketId(id), command, s.clock.now())
        .await?)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneBody {
    milestone: Milestone,
}

#[utoipa::path(post, path = "/api/v1/tickets/{id}/milestones", tag = "tickets", summary = "Class 6: specification agreed, then work started", request_body = MilestoneBody, params(("id" = i64, Path, description = "Ticket id")), responses((status = 200, description = "Done", body = Ticket), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn milestone(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<MilestoneBody>,
) -> Result<Json<Ticket>, ApiError> {
    Ok(Json(
        change(&s, &v, id, Command::Milestone(b.milestone))
            .await?
            .ticket,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeBody {
    /// Minutes worked, 1–1440.
    #[schema(minimum = 1, maximum = 1440)]
    minutes: i64,
    #[serde(default)]
    #[schema(max_length = 2000)]
    note: String,
    /// Consultation, counted against the contract's monthly hours; class 6 tickets default to it.
    #[serde(default)]
    consultation: Option<bool>,
    /// When the work was done, if not now.
    #[serde(default)]
    worked_at: Option<Timestamp>,
}

#[utoipa::path(post, path = "/api/v1/tickets/{id}/time", tag = "tickets", summary = "Log time worked (agents)", request_body = TimeBody, params(("id" = i64, Path, description = "Ticket id")), responses((status = 201, description = "Logged", body = tierline_desk::TimeEntry), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn log_time(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<TimeBody>,
) -> Result<(StatusCode, Json<tierline_desk::TimeEntry>), ApiError> {
    let new = tierline_desk::NewTimeEntry {
        minutes: b.minutes,
        note: b.note,
        consultation: b.consultation,
        worked_at: b.worked_at,
    };
    let e = change(&s, &v, id, Command::LogTime(new))
        .await?
        .time_entry
        .ok_or(ApiError::internal("logging time made no entry"))?;
    Ok((StatusCode::CREATED, Json(e)))
}

#[utoipa::path(get, path = "/api/v1/tickets/{id}/time", tag = "tickets", summary = "Time logged on a ticket (agents)", params(("id" = i64, Path, description = "Ticket id")), responses((status = 200, description = "Done", body = Vec<tierline_desk::TimeEntry>), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn time_entries(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<tierline_desk::TimeEntry>>, ApiError> {
    Ok(Json(s.desk.time_entries(&v, TicketId(id)).await?))
}

#[utoipa::path(put, path = "/api/v1/tickets/{id}/vendor", tag = "tickets", summary = "Line 4: record the vendor, its reference, status and promise, and share with its contact (agents)", request_body = tierline_desk::VendorBlock, params(("id" = i64, Path, description = "Ticket id")), responses((status = 200, description = "Recorded", body = tierline_desk::VendorBlock), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn set_vendor(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<tierline_desk::VendorBlock>,
) -> Result<Json<tierline_desk::VendorBlock>, ApiError> {
    Ok(Json(
        change(&s, &v, id, Command::Vendor(b))
            .await?
            .vendor
            .ok_or(ApiError::internal("the vendor block was not recorded"))?,
    ))
}

#[utoipa::path(get, path = "/api/v1/tickets/{id}/vendor", tag = "tickets", summary = "Line 4: the vendor block (agents and the vendor contact)", params(("id" = i64, Path, description = "Ticket id")), responses((status = 200, description = "The block, or null when none is recorded", body = Option<tierline_desk::VendorBlock>), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn vendor(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Option<tierline_desk::VendorBlock>>, ApiError> {
    Ok(Json(s.desk.vendor(&v, TicketId(id)).await?))
}

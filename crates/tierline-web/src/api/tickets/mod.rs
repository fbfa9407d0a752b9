//! Tickets: create, list, read with clocks, the timeline, and every change an agent makes.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};
use tierline_desk::{
    CustomerId, NewRequest, Opened, SystemId, Ticket, TicketEvent, TicketFilter, TicketId,
    TicketPage, UserId,
};
use tierline_domain::Class;
use tierline_domain::ticket::{Channel, Line, Status, TicketClock};

use crate::auth::Auth;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use crate::extract::{ApiBytes, ApiPath, ApiQuery, parse_json};
use crate::{ApiError, AppState};

mod changes;
pub use changes::*;

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

#[utoipa::path(get, path = "/api/v1/tickets/{id}/time", tag = "tickets", summary = "Time logged on a ticket (agents)", params(("id" = i64, Path, description = "Ticket id")), responses((status = 200, description = "Done", body = Vec<tierline_desk::TimeEntry>), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn time_entries(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<tierline_desk::TimeEntry>>, ApiError> {
    Ok(Json(s.desk.time_entries(&v, TicketId(id)).await?))
}

#[utoipa::path(get, path = "/api/v1/tickets/{id}/vendor", tag = "tickets", summary = "Line 4: the vendor block (agents and the vendor contact)", params(("id" = i64, Path, description = "Ticket id")), responses((status = 200, description = "The block, or null when none is recorded", body = Option<tierline_desk::VendorBlock>), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn vendor(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Option<tierline_desk::VendorBlock>>, ApiError> {
    Ok(Json(s.desk.vendor(&v, TicketId(id)).await?))
}

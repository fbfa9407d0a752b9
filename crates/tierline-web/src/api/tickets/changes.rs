//! A ticket's changes through the API: replies and notes, status, class, line, assignment,
//! class-6 milestones, time and the vendor block, each one command to the desk.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::Timestamp;
use serde::Deserialize;
use tierline_desk::Milestone;
use tierline_desk::{Command, Ticket, TicketEvent, TicketId, UserId};
use tierline_domain::Class;
use tierline_domain::ticket::Status;

use crate::auth::Auth;

use crate::extract::{ApiJson, ApiPath};
use crate::{ApiError, AppState};

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

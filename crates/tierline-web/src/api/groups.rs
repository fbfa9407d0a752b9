//! Groups of agents, and giving a ticket to one.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use tierline_desk::{Group, Ticket, TicketId, UserId};

use crate::auth::Auth;
use crate::extract::{ApiJson, ApiPath};
use crate::{ApiError, AppState};

const PROBLEM: &str = "A problem: what is wrong, and with which field";

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGroup {
    #[schema(min_length = 1, max_length = 200)]
    name: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    user_id: UserId,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupBody {
    group_id: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/groups", tag = "users", summary = "Groups of agents (staff)", responses((status = 200, description = "Done", body = Vec<Group>), (status = "4XX", description = PROBLEM, body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn list(State(s): State<AppState>, Auth(v): Auth) -> Result<Json<Vec<Group>>, ApiError> {
    Ok(Json(s.desk.groups(&v).await?))
}

#[utoipa::path(post, path = "/api/v1/groups", tag = "users", summary = "Create a group (administrators)", request_body = NewGroup, responses((status = 201, description = "Created", body = Group), (status = "4XX", description = PROBLEM, body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn create(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiJson(b): ApiJson<NewGroup>,
) -> Result<(StatusCode, Json<Group>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(s.desk.create_group(&v, &b.name, s.clock.now()).await?),
    ))
}

#[utoipa::path(post, path = "/api/v1/groups/{id}/members", tag = "users", summary = "Add an agent to a group (administrators)", request_body = NewMember, params(("id" = i64, Path, description = "Group id")), responses((status = 200, description = "The group", body = Group), (status = "4XX", description = PROBLEM, body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn add_member(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<NewMember>,
) -> Result<Json<Group>, ApiError> {
    Ok(Json(
        s.desk
            .add_group_member(&v, id, b.user_id, s.clock.now())
            .await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/tickets/{id}/group", tag = "tickets", summary = "Give a ticket to a group, or take it away (agents)", request_body = GroupBody, params(("id" = i64, Path, description = "Ticket id")), responses((status = 200, description = "Done", body = Ticket), (status = "4XX", description = PROBLEM, body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn assign(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<GroupBody>,
) -> Result<Json<Ticket>, ApiError> {
    Ok(Json(
        s.desk
            .change(
                &v,
                TicketId(id),
                tierline_desk::Command::Group { group: b.group_id },
                s.clock.now(),
            )
            .await?
            .ticket,
    ))
}

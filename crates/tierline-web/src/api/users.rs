//! Users and their API tokens.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tierline_desk::{CustomerId, NewUser, Role, TokenId, TokenInfo, User, UserId};
use tierline_domain::ticket::Line;

use crate::auth::Auth;
use crate::client::ClientIp;
use crate::extract::{ApiJson, ApiPath};
use crate::{ApiError, AppState};

#[utoipa::path(get, path = "/api/v1/me", tag = "users", summary = "The caller", responses((status = 200, description = "Done", body = User), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn me(State(s): State<AppState>, Auth(v): Auth) -> Result<Json<User>, ApiError> {
    Ok(Json(s.desk.user(&v, v.user_id).await?))
}

/// A new password for the caller, with the current one.
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    current_password: String,
    /// At least 10 characters.
    #[schema(min_length = 10)]
    new_password: String,
}

#[utoipa::path(post, path = "/api/v1/me/password", tag = "users", summary = "Change one's own password: every other session ends (API tokens stay)", request_body = PasswordChange, responses((status = 204, description = "Changed"), (status = "4XX", description = "A problem: a wrong current password or a too short new one (422), too many attempts (429, with Retry-After)", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn change_password(
    State(s): State<AppState>,
    Auth(v): Auth,
    ClientIp(client): ClientIp,
    headers: axum::http::HeaderMap,
    ApiJson(b): ApiJson<PasswordChange>,
) -> Result<StatusCode, ApiError> {
    let keep = crate::auth::cookie(&headers, crate::auth::SESSION_COOKIE);
    s.desk
        .change_own_password(
            &v,
            &b.current_password,
            &b.new_password,
            keep.as_deref(),
            &client.to_string(),
            s.clock.now(),
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/users", tag = "users", summary = "Users the caller may see", responses((status = 200, description = "Done", body = Vec<User>), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn list(State(s): State<AppState>, Auth(v): Auth) -> Result<Json<Vec<User>>, ApiError> {
    Ok(Json(s.desk.users(&v).await?))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", summary = "One user", params(("id" = i64, Path, description = "User id")), responses((status = 200, description = "Done", body = User), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn get(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<User>, ApiError> {
    Ok(Json(s.desk.user(&v, UserId(id)).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    /// Stored in lower case; one line with an `@`.
    #[schema(min_length = 1, max_length = 254)]
    email: String,
    #[schema(min_length = 1, max_length = 200)]
    name: String,
    role: Role,
    #[serde(default)]
    customer_id: Option<CustomerId>,
    #[serde(default)]
    lines: Vec<Line>,
    #[serde(default)]
    #[schema(min_length = 10)]
    password: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/users", tag = "users", summary = "Create a user (administrators)", request_body = NewUserBody, responses((status = 201, description = "Done", body = User), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn create(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiJson(b): ApiJson<NewUserBody>,
) -> Result<(StatusCode, Json<User>), ApiError> {
    let new = NewUser {
        email: b.email,
        name: b.name,
        role: b.role,
        customer_id: b.customer_id,
        lines: b.lines,
        password: b.password,
    };
    Ok((
        StatusCode::CREATED,
        Json(s.desk.create_user(Some(&v), new, s.clock.now()).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/users/{id}/tokens", tag = "tokens", summary = "A user's API tokens (never their secrets)", params(("id" = i64, Path, description = "User id")), responses((status = 200, description = "Done", body = Vec<TokenInfo>), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn tokens(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<TokenInfo>>, ApiError> {
    Ok(Json(s.desk.tokens(&v, UserId(id)).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    #[schema(min_length = 1, max_length = 200)]
    name: String,
}

/// A new token: its secret is in this answer only.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedToken {
    #[serde(flatten)]
    info: TokenInfo,
    token: String,
}

#[utoipa::path(post, path = "/api/v1/users/{id}/tokens", tag = "tokens", summary = "Create an API token; its secret is in this answer only", request_body = NewToken, params(("id" = i64, Path, description = "User id")), responses((status = 201, description = "Done", body = CreatedToken), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn create_token(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let (info, token) = s
        .desk
        .create_token(Some(&v), UserId(id), &b.name, s.clock.now())
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { info, token })))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens", summary = "Revoke a token", params(("id" = i64, Path, description = "Token id")), responses((status = 204, description = "Done"), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn revoke_token(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    s.desk.revoke_token(&v, TokenId(id), s.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserPatch {
    #[serde(default)]
    #[schema(min_length = 1, max_length = 200)]
    name: Option<String>,
    #[serde(default)]
    lines: Option<Vec<Line>>,
    /// Disabling ends the user's sessions and revokes their tokens for good; a new password ends
    /// their sessions (but the one making the change).
    #[serde(default)]
    disabled: Option<bool>,
    #[serde(default)]
    #[schema(min_length = 10)]
    password: Option<String>,
}

#[utoipa::path(patch, path = "/api/v1/users/{id}", tag = "users", summary = "Change a user's name, lines or password, or disable them (administrators)", request_body = UserPatch, params(("id" = i64, Path, description = "User id")), responses((status = 200, description = "The user", body = User), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn update(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    headers: axum::http::HeaderMap,
    ApiJson(b): ApiJson<UserPatch>,
) -> Result<Json<User>, ApiError> {
    let change = tierline_desk::UserChange {
        name: b.name,
        lines: b.lines,
        disabled: b.disabled,
        password: b.password,
        keep_session: crate::auth::cookie(&headers, crate::auth::SESSION_COOKIE),
    };
    Ok(Json(
        s.desk
            .update_user(&v, UserId(id), change, s.clock.now())
            .await?,
    ))
}

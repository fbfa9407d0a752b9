//! Users and their API tokens.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use tierline_domain::ticket::Line;
use tierline_store::{CustomerId, NewUser, Role, TokenId, TokenInfo, User, UserId};

use crate::auth::Auth;
use crate::extract::{ApiJson, ApiPath};
use crate::{ApiError, AppState};

pub async fn me(State(s): State<AppState>, Auth(v): Auth) -> Result<Json<User>, ApiError> {
    Ok(Json(s.store.user(&v, v.user_id).await?))
}

pub async fn list(State(s): State<AppState>, Auth(v): Auth) -> Result<Json<Vec<User>>, ApiError> {
    Ok(Json(s.store.users(&v).await?))
}

pub async fn get(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<User>, ApiError> {
    Ok(Json(s.store.user(&v, UserId(id)).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    email: String,
    name: String,
    role: Role,
    #[serde(default)]
    customer_id: Option<CustomerId>,
    #[serde(default)]
    lines: Vec<Line>,
    #[serde(default)]
    password: Option<String>,
}

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
        Json(s.store.create_user(Some(&v), new, s.clock.now()).await?),
    ))
}

pub async fn tokens(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<TokenInfo>>, ApiError> {
    Ok(Json(s.store.tokens(&v, UserId(id)).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewToken {
    name: String,
}

/// A new token: its secret is in this answer only.
#[derive(Serialize)]
pub struct CreatedToken {
    #[serde(flatten)]
    info: TokenInfo,
    token: String,
}

pub async fn create_token(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<NewToken>,
) -> Result<(StatusCode, Json<CreatedToken>), ApiError> {
    let (info, token) = s
        .store
        .create_token(Some(&v), UserId(id), &b.name, s.clock.now())
        .await?;
    Ok((StatusCode::CREATED, Json(CreatedToken { info, token })))
}

pub async fn revoke_token(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    s.store.revoke_token(&v, TokenId(id), s.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

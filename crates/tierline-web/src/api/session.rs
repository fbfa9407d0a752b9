//! Signing in and out of the web app: a password for a session cookie.

use axum::Json;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use tierline_desk::User;

use crate::auth::{SESSION_COOKIE, session_cookie};
use crate::client::ClientIp;
use crate::extract::ApiJson;
use crate::{ApiError, AppState};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    email: String,
    password: String,
}

/// Who signed in, and until when.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SignedIn {
    user: User,
    expires_at: Timestamp,
}

/// The `Set-Cookie` value of a session (an empty value and no age clear it).
pub(crate) fn cookie(value: &str, max_age: i64, secure: bool) -> Result<HeaderValue, ApiError> {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={value}; HttpOnly; SameSite=Lax; Path=/; Max-Age={max_age}{secure}"
    ))
    .map_err(ApiError::internal)
}

#[utoipa::path(post, path = "/api/v1/session", tag = "session", summary = "Sign in with a password; the session is in an HttpOnly cookie", request_body = SignIn, responses((status = 201, description = "Signed in; Set-Cookie holds the session", body = SignedIn), (status = "4XX", description = "Wrong email or password (401), too many attempts (429, with Retry-After); 503 with Retry-After when too many sign-ins are being checked at once", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn sign_in(
    State(s): State<AppState>,
    ClientIp(client): ClientIp,
    ApiJson(b): ApiJson<SignIn>,
) -> Result<Response, ApiError> {
    let session = s
        .desk
        .sign_in(&b.email, &b.password, &client.to_string(), s.clock.now())
        .await?;
    let user = s.desk.user(&session.viewer, session.viewer.user_id).await?;
    let max_age = tierline_desk::SESSION_LIFETIME.as_secs();
    let mut response = (
        StatusCode::CREATED,
        Json(SignedIn {
            user,
            expires_at: session.expires_at,
        }),
    )
        .into_response();
    response.headers_mut().insert(
        SET_COOKIE,
        cookie(&session.secret, max_age, s.secure_cookies)?,
    );
    Ok(response)
}

#[utoipa::path(delete, path = "/api/v1/session", tag = "session", summary = "Sign out: the session ends and the cookie is cleared", responses((status = 204, description = "Signed out")))]
pub async fn sign_out(State(s): State<AppState>, parts: Parts) -> Result<Response, ApiError> {
    if let Some(secret) = session_cookie(&parts) {
        s.desk.sign_out(&secret, s.clock.now()).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response
        .headers_mut()
        .insert(SET_COOKIE, cookie("", 0, s.secure_cookies)?);
    Ok(response)
}

//! Who is calling: `Authorization: Bearer <token>` for scripts, or the session cookie of the web
//! app. A cookie-authenticated request that changes something must come from our own origin.

use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE, HOST, ORIGIN};
use axum::http::request::Parts;
use tierline_desk::Viewer;

use crate::{ApiError, AppState};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "tierline_session";

/// The authenticated caller.
#[derive(Debug, Clone)]
pub struct Auth(pub Viewer);

/// The session cookie's value, if the request has one.
pub fn session_cookie(parts: &Parts) -> Option<String> {
    cookie(&parts.headers, SESSION_COOKIE)
}

/// A cookie's value, if the request has it.
pub(crate) fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Auth, ApiError> {
        if let Some(header) = parts.headers.get(AUTHORIZATION) {
            let header = header.to_str().map_err(|_| ApiError::Unauthorized)?;
            let (scheme, token) = header.split_once(' ').ok_or(ApiError::Unauthorized)?;
            if !scheme.eq_ignore_ascii_case("bearer") {
                return Err(ApiError::Unauthorized);
            }
            let viewer = state
                .desk
                .viewer_for_token(token.trim())
                .await?
                .ok_or(ApiError::Unauthorized)?;
            crate::request_span::record_viewer(&viewer);
            return Ok(Auth(viewer));
        }
        let secret = session_cookie(parts).ok_or(ApiError::Unauthorized)?;
        let viewer = state
            .desk
            .viewer_for_session(&secret, state.clock.now())
            .await?
            .ok_or(ApiError::Unauthorized)?;
        if !parts.method.is_safe() && !same_origin(&parts.headers, state.secure_cookies) {
            return Err(ApiError::Forbidden(
                "a cookie-authenticated change must come from this site".to_owned(),
            ));
        }
        crate::request_span::record_viewer(&viewer);
        Ok(Auth(viewer))
    }
}

/// Browsers send `Origin` on cross-site requests that change something; when present it must
/// be this site: this host, and the scheme it is served over (`https` when `secure`, which is
/// what `--secure-cookies` says; `http` otherwise), so a plain-HTTP page on the same host cannot
/// post to the HTTPS one. (SameSite=Lax already keeps the cookie off most cross-site requests.)
pub(crate) fn same_origin(headers: &axum::http::HeaderMap, secure: bool) -> bool {
    let Some(origin) = headers.get(ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let scheme = if secure { "https" } else { "http" };
    origin
        .split_once("://")
        .is_some_and(|(s, rest)| s.eq_ignore_ascii_case(scheme) && rest.eq_ignore_ascii_case(host))
}

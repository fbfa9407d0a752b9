//! The browser security headers every response carries, and `Cache-Control: no-store` on what a
//! signed-in user is shown, so a shared computer's cache keeps no ticket.
//!
//! The Content-Security-Policy allows scripts, styles and connections from this server only: the
//! pages have no inline script, style or `javascript:` URL (htmx is told not to inject its
//! indicator style or evaluate attributes), so nothing injected into a page can run.

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::{
    AUTHORIZATION, CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;
use crate::auth::SESSION_COOKIE;

/// The policy: this server only, never framed, forms posted back to it only.
pub const CONTENT_SECURITY_POLICY_VALUE: &str = "default-src 'self'; base-uri 'none'; \
     object-src 'none'; frame-ancestors 'none'; form-action 'self'";

/// Adds the headers to every response.
pub async fn security_headers(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let signed_in = request.headers().contains_key(AUTHORIZATION)
        || crate::auth::cookie(request.headers(), SESSION_COOKIE).is_some();
    let mut response = next.run(request).await;
    let h = response.headers_mut();
    h.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY_VALUE),
    );
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if state.secure_cookies {
        // Served over HTTPS (that is what the flag says): browsers should never fall back.
        h.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    if signed_in && !h.contains_key(CACHE_CONTROL) {
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

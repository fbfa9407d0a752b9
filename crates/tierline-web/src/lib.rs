//! tierline's HTTP layer: the REST API under `/api/v1`, health checks, authentication and the one
//! place where errors become HTTP responses.

mod api;
mod auth;
mod client;
mod error;
mod extract;
mod headers;
mod health;
mod metrics;
mod openapi;
mod request_span;
pub mod ui;

pub use openapi::document as openapi_document;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use tierline_desk::Desk;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use client::TrustedProxies;
pub use error::ApiError;
pub use tierline_desk::{Clock, SystemClock};

/// The largest request body accepted: tickets carry text, attachments come separately.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// The background tasks' health as the web reports it (`/metrics`, `/readyz`); the binary
/// hands in the jobs' supervisor's record, so the web does not depend on the workers.
pub trait BackgroundHealth: Send + Sync + std::fmt::Debug {
    /// What is wrong now (a task failing again and again, or far late); empty when all is well.
    fn problems(&self, now: jiff::Timestamp) -> Vec<String>;
    /// Publishes each task's figures to the metrics recorder.
    fn publish(&self, now: jiff::Timestamp);
}

/// No background tasks (a server run without a supervisor).
#[derive(Debug, Default)]
pub struct NoBackground;

impl BackgroundHealth for NoBackground {
    fn problems(&self, _now: jiff::Timestamp) -> Vec<String> {
        Vec::new()
    }

    fn publish(&self, _now: jiff::Timestamp) {}
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The desk: every use case and read model, over the store.
    pub desk: Desk,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Whether session cookies are marked `Secure` (served over HTTPS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// Ticket changes for live pages.
    pub live: ui::Live,
    /// Reverse proxies whose forwarded client address is believed (none by default).
    pub trusted_proxies: TrustedProxies,
    /// The background tasks' health, for `/metrics` and `/readyz`.
    pub jobs: Arc<dyn BackgroundHealth>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("desk", &self.desk)
            .finish_non_exhaustive()
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let request_id = axum::http::HeaderName::from_static(request_span::REQUEST_ID);
    Router::new()
        .merge(health::routes())
        .merge(metrics::routes())
        .nest("/api/v1", api::routes().merge(openapi::routes()))
        .merge(ui::routes())
        .fallback(ui::fallback)
        .route_layer(axum::middleware::from_fn(metrics::track))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            headers::security_headers,
        ))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::internal("a handler panicked").into_response_now()
        }))
        .layer(TraceLayer::new_for_http().make_span_with(request_span::make_span))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

/// Serves `router` on `listener` until `shutdown` resolves, then finishes the requests in flight.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // The live pages' feed is followed by a background task (`ui::LiveFollower`) under the
    // supervisor, not here.
    // The peer address is what sign-in rate limiting counts per client.
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

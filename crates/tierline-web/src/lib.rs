//! tierline's HTTP layer: the REST API under `/api/v1`, health checks, authentication and the one
//! place where errors become HTTP responses.

mod api;
mod auth;
pub mod classifier;
mod client;
mod error;
mod extract;
mod headers;
mod health;
mod metrics;
mod openapi;
pub mod ui;

pub use openapi::document as openapi_document;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use tierline_store::Store;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use client::TrustedProxies;
pub use error::ApiError;
pub use tierline_store::{Clock, SystemClock};

/// The largest request body accepted: tickets carry text, attachments come separately.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The store.
    pub store: Store,
    /// The clock.
    pub clock: Arc<dyn Clock>,
    /// Whether session cookies are marked `Secure` (served over HTTPS, directly or behind a proxy).
    pub secure_cookies: bool,
    /// The request classifier.
    pub classifier: Arc<classifier::ClassifierService>,
    /// Ticket changes for live pages.
    pub live: ui::Live,
    /// Reverse proxies whose forwarded client address is believed (none by default).
    pub trusted_proxies: TrustedProxies,
    /// The background tasks' health, for `/metrics` and `/readyz`.
    pub jobs: Arc<tierline_jobs::JobsStatus>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    let request_id = axum::http::HeaderName::from_static("x-request-id");
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
        .layer(TraceLayer::new_for_http())
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

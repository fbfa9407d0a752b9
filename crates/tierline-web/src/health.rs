//! Liveness and readiness, for load balancers and orchestrators.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde_json::{Value, json};

use crate::{ApiError, AppState};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
}

/// The process answers.
async fn healthz() -> axum::Json<Value> {
    axum::Json(json!({"status": "ok"}))
}

/// The process answers and its database does too.
async fn readyz(State(state): State<AppState>) -> Result<axum::Json<Value>, ApiError> {
    if let Err(e) = state.desk.ping().await {
        tracing::warn!(error = %e, "database not ready");
        return Err(ApiError::Unavailable(
            "the database is not answering".to_owned(),
        ));
    }
    Ok(axum::Json(json!({"status": "ready"})))
}

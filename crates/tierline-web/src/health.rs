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

/// The process answers, its database does too, and no background task is failing or far late.
async fn readyz(State(state): State<AppState>) -> Result<axum::Json<Value>, ApiError> {
    if let Err(e) = state.desk.ping().await {
        tracing::warn!(error = %e, "database not ready");
        return Err(ApiError::Unavailable(
            "the database is not answering".to_owned(),
        ));
    }
    let problems = state.jobs.problems(state.clock.now());
    if !problems.is_empty() {
        tracing::warn!(problems = ?problems, "background tasks not ready");
        return Err(ApiError::Unavailable(problems.join("; ")));
    }
    Ok(axum::Json(json!({"status": "ready"})))
}

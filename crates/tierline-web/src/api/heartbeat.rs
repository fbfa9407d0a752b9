//! Heartbeat calls: a customer's job calls its secret URL; a missing call is down.
//!
//! No authentication beyond the secret in the path (cron jobs and `curl` in scripts cannot do
//! more); the secret is as long as an API token and only its digest is stored.

use axum::extract::State;
use axum::http::StatusCode;

use crate::extract::ApiPath;
use crate::{ApiError, AppState};

#[utoipa::path(post, path = "/api/v1/heartbeat/{secret}", tag = "monitoring", summary = "A heartbeat call (GET works too, for the simplest cron jobs)", params(("secret" = String, Path, description = "The heartbeat monitor's secret")), responses((status = 204, description = "Recorded"), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")))]
pub async fn ping(
    State(s): State<AppState>,
    ApiPath(secret): ApiPath<String>,
) -> Result<StatusCode, ApiError> {
    s.desk.heartbeat(&secret, s.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

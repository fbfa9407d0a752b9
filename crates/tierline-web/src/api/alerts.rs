//! Alert webhooks from the customer's own monitoring: Alertmanager, Grafana, Zabbix.
//!
//! Each request carries the customer's webhook secret, as `Authorization: Bearer <secret>` (what
//! Alertmanager's `http_config` and Grafana's contact point send) or as `?secret=` for senders
//! that cannot set headers. A wrong or missing secret is 401, whatever the body.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use serde::{Deserialize, Serialize};
use tierline_desk::DeskError;
use tierline_desk::{AlertOutcome, CustomerId, StoreError};
use tierline_domain::alerts::{self, Alert, AlertError};

use crate::auth::Auth;
use crate::extract::{ApiBytes, ApiPath, ApiQuery};
use crate::{ApiError, AppState};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SecretQuery {
    /// The webhook secret, for senders that cannot set `Authorization`.
    secret: Option<String>,
}

/// What the alerts of a request became.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AlertsAnswer {
    alerts: Vec<AlertOutcome>,
}

/// A customer's new webhook secret, shown once.
#[derive(Serialize, utoipa::ToSchema)]
pub struct AlertSecret {
    secret: String,
}

async fn customer(
    s: &AppState,
    headers: &HeaderMap,
    q: &SecretQuery,
) -> Result<CustomerId, ApiError> {
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, t)| t.trim().to_owned());
    let secret = bearer
        .or_else(|| q.secret.clone())
        .ok_or(ApiError::Unauthorized)?;
    match s.desk.customer_by_alert_secret(&secret).await {
        Ok(c) => Ok(c),
        Err(DeskError::Store(StoreError::NotFound)) => Err(ApiError::Unauthorized),
        Err(e) => Err(e.into()),
    }
}

async fn receive(
    s: AppState,
    headers: HeaderMap,
    q: SecretQuery,
    body: &[u8],
    source: &'static str,
    parse: fn(&[u8]) -> Result<Vec<Alert>, AlertError>,
) -> Result<Json<AlertsAnswer>, ApiError> {
    let customer = customer(&s, &headers, &q).await?;
    // Labels, names and summaries are stored: control characters are refused (422) as anywhere
    // else, before the payload is read. A body that is not JSON is left to the parser to explain.
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) {
        crate::extract::text::check_json(&value)?;
    }
    let parsed = parse(body).map_err(|e| ApiError::Unprocessable {
        detail: e.0,
        errors: Vec::new(),
    })?;
    let mut out = Vec::with_capacity(parsed.len());
    for a in &parsed {
        out.push(
            s.desk
                .record_alert(customer, source, a, s.clock.now())
                .await?,
        );
    }
    Ok(Json(AlertsAnswer { alerts: out }))
}

#[utoipa::path(post, path = "/api/v1/alerts/alertmanager", tag = "monitoring", summary = "Prometheus Alertmanager webhook (payload version 4)", params(SecretQuery), request_body(content = Object, description = "Alertmanager's webhook payload"), responses((status = 200, description = "What each alert became", body = AlertsAnswer), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn alertmanager(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<SecretQuery>,
    ApiBytes(body): ApiBytes,
) -> Result<Json<AlertsAnswer>, ApiError> {
    receive(s, headers, q, &body, "alertmanager", alerts::alertmanager).await
}

#[utoipa::path(post, path = "/api/v1/alerts/grafana", tag = "monitoring", summary = "Grafana webhook contact point", params(SecretQuery), request_body(content = Object, description = "Grafana's webhook payload"), responses((status = 200, description = "What each alert became", body = AlertsAnswer), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn grafana(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<SecretQuery>,
    ApiBytes(body): ApiBytes,
) -> Result<Json<AlertsAnswer>, ApiError> {
    receive(s, headers, q, &body, "grafana", alerts::alertmanager).await
}

#[utoipa::path(post, path = "/api/v1/alerts/zabbix", tag = "monitoring", summary = "Zabbix webhook media type, in the shape docs/MONITORING.md gives", params(SecretQuery), request_body(content = Object, description = "{event_id, status, host, trigger, severity, message, at, system, class}"), responses((status = 200, description = "What the alert became", body = AlertsAnswer), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn zabbix(
    State(s): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<SecretQuery>,
    ApiBytes(body): ApiBytes,
) -> Result<Json<AlertsAnswer>, ApiError> {
    receive(s, headers, q, &body, "zabbix", alerts::zabbix).await
}

#[utoipa::path(post, path = "/api/v1/customers/{id}/alert-secret", tag = "monitoring", summary = "A new webhook secret for the customer's alert senders (administrators); the old one stops working", params(("id" = i64, Path, description = "Customer id")), responses((status = 201, description = "The secret, shown once", body = AlertSecret), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn rotate_secret(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<(StatusCode, Json<AlertSecret>), ApiError> {
    let secret = s
        .desk
        .rotate_alert_secret(&v, CustomerId(id), s.clock.now())
        .await?;
    Ok((StatusCode::CREATED, Json(AlertSecret { secret })))
}

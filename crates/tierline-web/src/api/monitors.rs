//! Monitors of a customer's systems, their maintenance windows and incidents (SPEC §6).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use tierline_desk::{
    CreatedMonitor, Incident, MaintenanceWindow, Monitor, MonitorId, MonitorSettings,
    NewMaintenance, SystemId,
};

use crate::auth::Auth;
use crate::extract::{ApiJson, ApiPath};
use crate::{ApiError, AppState};

#[utoipa::path(get, path = "/api/v1/systems/{id}/monitors", tag = "monitoring", summary = "A system's monitors", params(("id" = i64, Path, description = "System id")), responses((status = 200, description = "Done", body = Vec<Monitor>), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn list(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<Monitor>>, ApiError> {
    Ok(Json(s.desk.monitors(&v, SystemId(id)).await?))
}

#[utoipa::path(post, path = "/api/v1/systems/{id}/monitors", tag = "monitoring", summary = "Add a monitor to a system (staff); a heartbeat's secret is shown this once; only administrators may set `allow_private_targets`", request_body = MonitorSettings, params(("id" = i64, Path, description = "System id")), responses((status = 201, description = "Created", body = CreatedMonitor), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn create(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<MonitorSettings>,
) -> Result<(StatusCode, Json<CreatedMonitor>), ApiError> {
    let created = s
        .desk
        .create_monitor(&v, SystemId(id), body, s.clock.now())
        .await?;
    Ok((StatusCode::CREATED, Json(created)))
}

#[utoipa::path(get, path = "/api/v1/monitors/{id}", tag = "monitoring", summary = "One monitor with its state", params(("id" = i64, Path, description = "Monitor id")), responses((status = 200, description = "Done", body = Monitor), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn get(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Monitor>, ApiError> {
    Ok(Json(s.desk.monitor(&v, MonitorId(id)).await?))
}

#[utoipa::path(put, path = "/api/v1/monitors/{id}", tag = "monitoring", summary = "Change a monitor's settings (staff); `enabled: false` pauses it; a new target clears `allow_private_targets` unless an administrator sets it", request_body = MonitorSettings, params(("id" = i64, Path, description = "Monitor id")), responses((status = 200, description = "Done", body = Monitor), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn update(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<MonitorSettings>,
) -> Result<Json<Monitor>, ApiError> {
    Ok(Json(
        s.desk
            .update_monitor(&v, MonitorId(id), body, s.clock.now())
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/systems/{id}/maintenance", tag = "monitoring", summary = "A system's maintenance windows", params(("id" = i64, Path, description = "System id")), responses((status = 200, description = "Done", body = Vec<MaintenanceWindow>), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn maintenance(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<MaintenanceWindow>>, ApiError> {
    Ok(Json(s.desk.maintenance_windows(&v, SystemId(id)).await?))
}

#[utoipa::path(post, path = "/api/v1/systems/{id}/maintenance", tag = "monitoring", summary = "Plan a maintenance window, one-off or weekly (staff)", request_body = NewMaintenance, params(("id" = i64, Path, description = "System id")), responses((status = 201, description = "Created", body = MaintenanceWindow), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn create_maintenance(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewMaintenance>,
) -> Result<(StatusCode, Json<MaintenanceWindow>), ApiError> {
    let w = s
        .desk
        .create_maintenance(&v, SystemId(id), body, s.clock.now())
        .await?;
    Ok((StatusCode::CREATED, Json(w)))
}

#[utoipa::path(delete, path = "/api/v1/maintenance/{id}", tag = "monitoring", summary = "Remove a maintenance window (staff)", params(("id" = i64, Path, description = "Window id")), responses((status = 204, description = "Removed"), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn delete_maintenance(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    s.desk.delete_maintenance(&v, id, s.clock.now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/systems/{id}/incidents", tag = "monitoring", summary = "A system's incidents found by monitoring or alerts, newest first", params(("id" = i64, Path, description = "System id")), responses((status = 200, description = "Done", body = Vec<Incident>), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn incidents(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<Incident>>, ApiError> {
    Ok(Json(s.desk.incidents(&v, SystemId(id)).await?))
}

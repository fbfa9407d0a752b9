//! Customers, their systems and their contract versions.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::civil::Date;
use serde::Deserialize;
use tierline_desk::{ContractVersion, ContractVersionId, Customer, CustomerId, System};
use tierline_domain::contract::ContractTerms;

use crate::auth::Auth;
use crate::extract::{ApiJson, ApiPath};
use crate::{ApiError, AppState};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCustomer {
    #[schema(min_length = 1, max_length = 200)]
    name: String,
}

#[utoipa::path(get, path = "/api/v1/customers", tag = "customers", summary = "Customers the caller may see", responses((status = 200, description = "Done", body = Vec<Customer>), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn list(
    State(s): State<AppState>,
    Auth(v): Auth,
) -> Result<Json<Vec<Customer>>, ApiError> {
    Ok(Json(s.desk.customers(&v).await?))
}

#[utoipa::path(post, path = "/api/v1/customers", tag = "customers", summary = "Record a customer (administrators)", request_body = NewCustomer, responses((status = 201, description = "Done", body = Customer), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn create(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiJson(body): ApiJson<NewCustomer>,
) -> Result<(StatusCode, Json<Customer>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(
            s.desk
                .create_customer(&v, &body.name, s.clock.now())
                .await?,
        ),
    ))
}

#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers", summary = "One customer", params(("id" = i64, Path, description = "Customer id")), responses((status = 200, description = "Done", body = Customer), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn get(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Customer>, ApiError> {
    Ok(Json(s.desk.customer(&v, CustomerId(id)).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSystem {
    #[schema(min_length = 1, max_length = 200)]
    name: String,
    built_by_us: bool,
    #[serde(default)]
    url: Option<String>,
}

#[utoipa::path(get, path = "/api/v1/customers/{id}/systems", tag = "customers", summary = "A customer's systems", params(("id" = i64, Path, description = "Customer id")), responses((status = 200, description = "Done", body = Vec<System>), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn systems(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<System>>, ApiError> {
    Ok(Json(s.desk.systems(&v, CustomerId(id)).await?))
}

#[utoipa::path(post, path = "/api/v1/customers/{id}/systems", tag = "customers", summary = "Record a system (administrators)", request_body = NewSystem, params(("id" = i64, Path, description = "Customer id")), responses((status = 201, description = "Done", body = System), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn create_system(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewSystem>,
) -> Result<(StatusCode, Json<System>), ApiError> {
    let system = s
        .desk
        .create_system(
            &v,
            CustomerId(id),
            &body.name,
            body.built_by_us,
            body.url.as_deref(),
            s.clock.now(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(system)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewContract {
    effective_from: Date,
    terms: ContractTerms,
}

#[utoipa::path(get, path = "/api/v1/customers/{id}/contracts", tag = "contracts", summary = "A customer's contract versions, oldest first", params(("id" = i64, Path, description = "Customer id")), responses((status = 200, description = "Done", body = Vec<ContractVersion>), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn contracts(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<ContractVersion>>, ApiError> {
    Ok(Json(s.desk.contract_versions(&v, CustomerId(id)).await?))
}

#[utoipa::path(post, path = "/api/v1/customers/{id}/contracts", tag = "contracts", summary = "Add a contract version, in force from a date (administrators)", request_body = NewContract, params(("id" = i64, Path, description = "Customer id")), responses((status = 201, description = "Done", body = ContractVersion), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn create_contract(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewContract>,
) -> Result<(StatusCode, Json<ContractVersion>), ApiError> {
    let version = s
        .desk
        .create_contract_version(
            &v,
            CustomerId(id),
            body.effective_from,
            body.terms,
            s.clock.now(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(version)))
}

#[utoipa::path(get, path = "/api/v1/contracts/{id}", tag = "contracts", summary = "One contract version", params(("id" = i64, Path, description = "Contract version id")), responses((status = 200, description = "Done", body = ContractVersion), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn contract(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ContractVersion>, ApiError> {
    Ok(Json(
        s.desk.contract_version(&v, ContractVersionId(id)).await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct MonthQuery {
    /// Any day of the month (this month if left out).
    month: Option<Date>,
}

#[utoipa::path(get, path = "/api/v1/customers/{id}/consultation", tag = "contracts", summary = "Consultation hours used of the month's budget", params(("id" = i64, Path, description = "Customer id"), MonthQuery), responses((status = 200, description = "Done", body = tierline_desk::ConsultationUsage), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn consultation(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    crate::extract::ApiQuery(q): crate::extract::ApiQuery<MonthQuery>,
) -> Result<Json<tierline_desk::ConsultationUsage>, ApiError> {
    let month = q
        .month
        .unwrap_or_else(|| s.clock.now().to_zoned(jiff::tz::TimeZone::UTC).date());
    Ok(Json(
        s.desk.consultation_usage(&v, CustomerId(id), month).await?,
    ))
}

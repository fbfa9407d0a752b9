//! Customers, their systems and their contract versions.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use jiff::civil::Date;
use serde::Deserialize;
use tierline_domain::contract::ContractTerms;
use tierline_store::{ContractVersion, ContractVersionId, Customer, CustomerId, System};

use crate::auth::Auth;
use crate::extract::{ApiJson, ApiPath};
use crate::{ApiError, AppState};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCustomer {
    name: String,
}

pub async fn list(
    State(s): State<AppState>,
    Auth(v): Auth,
) -> Result<Json<Vec<Customer>>, ApiError> {
    Ok(Json(s.store.customers(&v).await?))
}

pub async fn create(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiJson(body): ApiJson<NewCustomer>,
) -> Result<(StatusCode, Json<Customer>), ApiError> {
    Ok((
        StatusCode::CREATED,
        Json(
            s.store
                .create_customer(&v, &body.name, s.clock.now())
                .await?,
        ),
    ))
}

pub async fn get(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Customer>, ApiError> {
    Ok(Json(s.store.customer(&v, CustomerId(id)).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewSystem {
    name: String,
    built_by_us: bool,
    #[serde(default)]
    url: Option<String>,
}

pub async fn systems(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<System>>, ApiError> {
    Ok(Json(s.store.systems(&v, CustomerId(id)).await?))
}

pub async fn create_system(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewSystem>,
) -> Result<(StatusCode, Json<System>), ApiError> {
    let system = s
        .store
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

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewContract {
    effective_from: Date,
    terms: ContractTerms,
}

pub async fn contracts(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Vec<ContractVersion>>, ApiError> {
    Ok(Json(s.store.contract_versions(&v, CustomerId(id)).await?))
}

pub async fn create_contract(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<NewContract>,
) -> Result<(StatusCode, Json<ContractVersion>), ApiError> {
    let version = s
        .store
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

pub async fn contract(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<ContractVersion>, ApiError> {
    Ok(Json(
        s.store.contract_version(&v, ContractVersionId(id)).await?,
    ))
}

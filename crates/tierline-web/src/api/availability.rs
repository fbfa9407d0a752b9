//! A system's availability per day, month or year, in the customer's time zone.

use axum::Json;
use axum::extract::State;
use jiff::civil::Date;
use serde::Deserialize;
use tierline_desk::{Availability, CustomerId, SystemId};
use tierline_domain::availability::Period;

use crate::auth::Auth;
use crate::extract::{ApiPath, ApiQuery};
use crate::{ApiError, AppState};

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// `day`, `month` (the default) or `year`.
    period: Option<String>,
    /// Which one: `2026-11-24`, `2026-11` or `2026` (the current one when left out).
    at: Option<String>,
}

fn parse_at(period: &str, at: &str) -> Result<Date, ApiError> {
    let bad = || ApiError::field("at", format!("must be a {period} like {}", example(period)));
    let full = match (period, at.len()) {
        ("year", 4) => format!("{at}-01-01"),
        ("month", 7) => format!("{at}-01"),
        (_, 10) => at.to_owned(),
        _ => return Err(bad()),
    };
    full.parse().map_err(|_| bad())
}

fn example(period: &str) -> &'static str {
    match period {
        "day" => "2026-11-24",
        "year" => "2026",
        _ => "2026-11",
    }
}

fn period_of(q: &PeriodQuery, now: jiff::Timestamp) -> Result<Period, ApiError> {
    let kind = q.period.as_deref().unwrap_or("month");
    let date = match &q.at {
        Some(at) => parse_at(kind, at)?,
        // The customer's zone decides "today"; a day either side only matters at midnight,
        // and UTC is the neutral guess when the period's own zone is not known yet.
        None => now.to_zoned(jiff::tz::TimeZone::UTC).date(),
    };
    match kind {
        "day" => Ok(Period::Day(date)),
        "month" => Ok(Period::Month(date)),
        "year" => Ok(Period::Year(date)),
        _ => Err(ApiError::field("period", "must be day, month or year")),
    }
}

#[utoipa::path(get, path = "/api/v1/customers/{id}/availability", tag = "monitoring", summary = "Availability of each of a customer's systems over a period (the monthly report's table)", params(("id" = i64, Path, description = "Customer id"), PeriodQuery), responses((status = 200, description = "One entry per system, by name", body = Vec<Availability>), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn customer(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<Vec<Availability>>, ApiError> {
    let now = s.clock.now();
    let period = period_of(&q, now)?;
    let mut out = Vec::new();
    for system in s.desk.systems(&v, CustomerId(id)).await? {
        out.push(s.desk.availability(&v, system.id, period, now).await?);
    }
    Ok(Json(out))
}

#[utoipa::path(get, path = "/api/v1/systems/{id}/availability", tag = "monitoring", summary = "Availability from health changes: up, down, unknown and maintenance time, the guarantee and what is left of the month's and year's downtime allowance, and the days for uptime bars", params(("id" = i64, Path, description = "System id"), PeriodQuery), responses((status = 200, description = "Done", body = Availability), (status = "4XX", description = "A problem: what is wrong, and with which field", body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn availability(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<PeriodQuery>,
) -> Result<Json<Availability>, ApiError> {
    let now = s.clock.now();
    let period = period_of(&q, now)?;
    Ok(Json(
        s.desk.availability(&v, SystemId(id), period, now).await?,
    ))
}

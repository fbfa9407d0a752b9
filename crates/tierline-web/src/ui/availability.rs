//! Availability on the web: per system, uptime bars for the month's days, the month's and the
//! year's figure against the guarantee with the downtime allowance left, and the incident
//! history. Staff see any customer's; a customer user only their own (the store decides).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::Date;
use serde::Deserialize;
use tierline_desk::{CustomerId, Role};
use tierline_domain::availability::Period;

use super::ctx::Ctx;
use super::view::{self, duration};
use crate::error::PageError;
use crate::{ApiError, AppState};

/// One day's bar.
#[derive(Debug, Clone)]
pub struct DayBar {
    /// `up` (all of it), `degraded` (some downtime), `down` (under 90 %), `unknown` (no data).
    pub class: &'static str,
    pub label: String,
}

/// One incident as listed.
#[derive(Debug, Clone)]
pub struct IncidentRow {
    pub ticket_id: i64,
    pub detected: String,
    pub downtime: String,
    pub before_customer: bool,
    pub status: String,
    pub open: bool,
}

/// One system's section.
#[derive(Debug, Clone)]
pub struct SystemView {
    pub name: String,
    pub built_by_us: bool,
    pub month: String,
    pub year: String,
    pub guarantee: String,
    pub meets: Option<bool>,
    pub remaining_month: String,
    pub remaining_year: String,
    pub unknown: String,
    pub has_unknown: bool,
    pub days: Vec<DayBar>,
    pub incidents: Vec<IncidentRow>,
}

#[derive(Template)]
#[template(path = "availability.html")]
struct AvailabilityPage {
    ctx: Ctx,
    customer: String,
    month: String,
    previous: String,
    next: String,
    systems: Vec<SystemView>,
    ticket_base: &'static str,
}

#[derive(Deserialize)]
pub struct MonthQuery {
    /// `YYYY-MM`; the current month if left out.
    month: Option<String>,
}

fn percent(a: Option<f64>) -> String {
    a.map_or_else(|| "—".to_owned(), |a| format!("{:.3} %", a * 100.0))
}

/// `/availability`: a customer user's own organisation.
pub async fn mine(ctx: Ctx) -> Result<Response, PageError> {
    let v = ctx.viewer()?;
    match (v.role, v.customer_id) {
        (Role::Customer, Some(c)) => {
            Ok(Redirect::to(&format!("/availability/{c}")).into_response())
        }
        _ => Err(PageError(ApiError::NotFound)),
    }
}

pub async fn page(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<MonthQuery>,
) -> Result<Response, PageError> {
    let v = ctx.viewer()?.clone();
    if v.role == Role::Vendor {
        return Err(PageError(ApiError::NotFound));
    }
    let now = s.clock.now();
    let customer = s.desk.customer(&v, CustomerId(id)).await?;
    let first: Date = match q.month.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
        Some(m) => format!("{m}-01")
            .parse()
            .map_err(|_| ApiError::field("month", "must be a month: YYYY-MM"))?,
        None => now.to_zoned(ctx.tz.clone()).date().first_of_month(),
    };
    let month_of = |d: Date| d.strftime("%Y-%m").to_string();
    let previous = first
        .checked_sub(jiff::Span::new().months(1))
        .map_or_else(|_| month_of(first), month_of);
    let next = first
        .checked_add(jiff::Span::new().months(1))
        .map_or_else(|_| month_of(first), month_of);
    let mut systems = Vec::new();
    for system in s.desk.systems(&v, customer.id).await? {
        let a = s
            .desk
            .availability(&v, system.id, Period::Month(first), now)
            .await?;
        let year = s
            .desk
            .availability(&v, system.id, Period::Year(first), now)
            .await?;
        let days = a
            .days
            .iter()
            .map(|d| {
                let class = match d.split.availability {
                    None => "unknown",
                    Some(x) if x >= 0.99999 => "up",
                    Some(x) if x >= 0.9 => "degraded",
                    Some(_) => "down",
                };
                DayBar {
                    class,
                    label: format!(
                        "{}: {} · {} {}",
                        d.date,
                        percent(d.split.availability),
                        ctx.t("down-for"),
                        duration(&ctx.tr, jiff::SignedDuration::from_secs(d.split.down_secs))
                    ),
                }
            })
            .collect();
        let incidents = s
            .desk
            .incidents(&v, system.id)
            .await?
            .into_iter()
            .take(20)
            .map(|i| IncidentRow {
                ticket_id: i.ticket_id.0,
                detected: ctx.when(i.detected_at),
                downtime: duration(&ctx.tr, jiff::SignedDuration::from_secs(i.downtime_secs)),
                before_customer: i.found_before_customer,
                status: ctx.t(view::status_key(i.status)),
                open: i.down_since.is_some(),
            })
            .collect();
        systems.push(SystemView {
            name: system.name,
            built_by_us: system.built_by_us,
            month: percent(a.split.availability),
            year: percent(year.split.availability),
            guarantee: format!("{:.1} %", a.guarantee * 100.0),
            meets: a.meets_guarantee,
            remaining_month: duration(
                &ctx.tr,
                jiff::SignedDuration::from_secs(a.remaining_down_secs),
            ),
            remaining_year: duration(
                &ctx.tr,
                jiff::SignedDuration::from_secs(a.year_remaining_down_secs),
            ),
            unknown: duration(
                &ctx.tr,
                jiff::SignedDuration::from_secs(a.split.unknown_secs),
            ),
            has_unknown: a.split.unknown_secs > 0,
            days,
            incidents,
        });
    }
    let page = AvailabilityPage {
        customer: customer.name,
        month: month_of(first),
        previous,
        next,
        systems,
        ticket_base: if v.is_staff() {
            "/agent/tickets/"
        } else {
            "/portal/tickets/"
        },
        ctx,
    };
    page.ctx.page(page.render())
}

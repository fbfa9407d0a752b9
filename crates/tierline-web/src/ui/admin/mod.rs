//! Administration: customers and their systems and contracts (coverage with a preview of the
//! week, time zone, holidays typed or imported from .ics, the SLA table per class, lines,
//! Stability, consultation hours, prices, versions by effective date), users and roles, groups,
//! and the leads from the public site.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tierline_desk::{Customer, CustomerId, Group, Lead, NewUser, Role, User, UserChange, UserId};
use tierline_domain::ticket::Line;

use super::ctx::Ctx;
use super::form::{Fields, PageForm, opt};
use crate::error::PageError;
use crate::{ApiError, AppState};

mod customer;
pub use customer::*;

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    ctx: Ctx,
    customers: Vec<Customer>,
    users: Vec<User>,
    groups: Vec<(Group, String)>,
    leads: Vec<Lead>,
}

pub async fn home(State(s): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let v = ctx.admin()?.clone();
    let users = s.desk.users(&v).await?;
    let groups = s
        .desk
        .groups(&v)
        .await?
        .into_iter()
        .map(|g| {
            let names = g
                .members
                .iter()
                .filter_map(|m| users.iter().find(|u| u.id == *m).map(|u| u.name.clone()))
                .collect::<Vec<_>>()
                .join(", ");
            (g, names)
        })
        .collect();
    let page = AdminPage {
        customers: s.desk.customers(&v).await?,
        leads: s.desk.leads(&v).await?,
        users,
        groups,
        ctx,
    };
    page.ctx.page(page.render())
}

#[derive(Deserialize)]
pub struct NameForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    name: String,
}

pub async fn create_customer(
    State(s): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    PageForm(f): PageForm<NameForm>,
) -> Result<Response, PageError> {
    ctx.check(&headers, Some(&f.csrf))?;
    let v = ctx.admin()?;
    let c = s.desk.create_customer(v, &f.name, s.clock.now()).await?;
    Ok(Redirect::to(&format!("/admin/customers/{}", c.id)).into_response())
}

pub async fn create_group(
    State(s): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    PageForm(f): PageForm<NameForm>,
) -> Result<Response, PageError> {
    ctx.check(&headers, Some(&f.csrf))?;
    let v = ctx.admin()?;
    s.desk.create_group(v, &f.name, s.clock.now()).await?;
    Ok(Redirect::to("/admin#groups").into_response())
}

#[derive(Deserialize)]
pub struct MemberForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    user: i64,
}

pub async fn add_member(
    State(s): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    Path(id): Path<i64>,
    PageForm(f): PageForm<MemberForm>,
) -> Result<Response, PageError> {
    ctx.check(&headers, Some(&f.csrf))?;
    let v = ctx.admin()?;
    s.desk
        .add_group_member(v, id, UserId(f.user), s.clock.now())
        .await?;
    Ok(Redirect::to("/admin#groups").into_response())
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

pub async fn lead_handled(
    State(s): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    Path(id): Path<i64>,
    PageForm(f): PageForm<CsrfForm>,
) -> Result<Response, PageError> {
    ctx.check(&headers, Some(&f.csrf))?;
    let v = ctx.admin()?;
    s.desk.handle_lead(v, id, s.clock.now()).await?;
    Ok(Redirect::to("/admin#leads").into_response())
}

/// The lines of a form: `1`…`4`, any of them checked.
fn lines_of(values: &[String]) -> Result<Vec<Line>, PageError> {
    values
        .iter()
        .map(|l| {
            l.parse::<i64>()
                .ok()
                .and_then(|n| Line::try_from(n).ok())
                .ok_or_else(|| PageError(ApiError::field("lines", "must be 1 to 4")))
        })
        .collect()
}

pub async fn create_user(
    State(s): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    body: String,
) -> Result<Response, PageError> {
    let fields = Fields::urlencoded(&body)?;
    let one = |k: &str| fields.one(k).map(str::to_owned);
    ctx.check(&headers, fields.one("_csrf"))?;
    let v = ctx.admin()?;
    let role = match fields.one("role") {
        Some("admin") => Role::Admin,
        Some("agent") => Role::Agent,
        Some("customer") => Role::Customer,
        Some("vendor") => Role::Vendor,
        _ => return Err(ApiError::field("role", "is not a role").into()),
    };
    let lines = lines_of(&fields.all("lines"))?;
    let customer_id = match opt(&one("customer")) {
        Some(c) if role == Role::Customer => {
            Some(CustomerId(c.parse().map_err(|_| {
                ApiError::field("customer", "is not a customer")
            })?))
        }
        _ => None,
    };
    let password = opt(&one("password")).map(str::to_owned);
    s.desk
        .create_user(
            Some(v),
            NewUser {
                email: one("email").unwrap_or_default(),
                name: one("name").unwrap_or_default(),
                role,
                customer_id,
                lines,
                password,
            },
            s.clock.now(),
        )
        .await?;
    let back = match customer_id {
        Some(c) => format!("/admin/customers/{c}"),
        None => "/admin#users".to_owned(),
    };
    Ok(Redirect::to(&back).into_response())
}

pub async fn update_user(
    State(s): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    Path(id): Path<i64>,
    body: String,
) -> Result<Response, PageError> {
    let fields = Fields::urlencoded(&body)?;
    let one = |k: &str| fields.one(k).map(str::to_owned);
    ctx.check(&headers, fields.one("_csrf"))?;
    let v = ctx.admin()?;
    let change = UserChange {
        name: opt(&one("name")).map(str::to_owned),
        lines: if fields.has("set_lines") {
            Some(lines_of(&fields.all("lines"))?)
        } else {
            None
        },
        disabled: one("disabled").map(|d| d == "true"),
        password: opt(&one("password")).map(str::to_owned),
        keep_session: crate::auth::cookie(&headers, crate::auth::SESSION_COOKIE),
    };
    s.desk
        .update_user(v, UserId(id), change, s.clock.now())
        .await?;
    Ok(Redirect::to("/admin#users").into_response())
}

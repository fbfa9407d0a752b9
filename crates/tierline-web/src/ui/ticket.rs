//! The agent's ticket page and what can be done from it: reply or note, status, class with a
//! reason, escalation, assignment, time, and line 4's vendor block. Attachments download here
//! for everyone who may see the ticket.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tierline_desk::{
    Attachment, Command, NewTimeEntry, Role, Ticket, TicketId, UserId, VendorBlock, Viewer,
};
use tierline_domain::Class;
use tierline_domain::ticket::Status;

use super::ctx::Ctx;
use super::form::{PageForm, opt};
use super::timeline::{self, EventView};
use super::view::{self, ClockView};
use crate::error::PageError;
use crate::{ApiError, AppState};

/// What the page says about the contract in force.
#[derive(Debug, Clone)]
pub struct ContractView {
    pub effective_from: String,
    pub coverage: String,
    pub tz: String,
    pub stability: bool,
    pub lines: u8,
}

#[derive(Template)]
#[template(path = "ticket.html")]
struct TicketPage {
    ctx: Ctx,
    t: Ticket,
    customer: String,
    system: String,
    contract: ContractView,
    status: String,
    clocks: Vec<ClockView>,
    events: Vec<EventView>,
    attachments: Vec<Attachment>,
    next_statuses: Vec<(&'static str, String)>,
    agents: Vec<(i64, String)>,
    assignee: i64,
    groups: Vec<(i64, String)>,
    group: i64,
    vendor: Option<VendorBlock>,
    /// Vendor contacts a line-4 ticket can be shared with (staff only).
    vendor_contacts: Vec<(i64, String)>,
    /// The contact it is shared with now, 0 for none.
    vendor_contact: i64,
    can_escalate: bool,
    is_vendor: bool,
}

/// Names of the people a viewer may know by name.
pub async fn people(s: &AppState, v: &Viewer) -> Result<HashMap<i64, String>, PageError> {
    Ok(s.desk
        .users(v)
        .await?
        .into_iter()
        .map(|u| (u.id.0, u.name))
        .collect())
}

/// The parts of a ticket page both the agent's and the customer's pages show.
pub struct Shown {
    pub t: Ticket,
    pub customer: String,
    pub system: String,
    pub contract: ContractView,
    pub clocks: Vec<ClockView>,
    pub events: Vec<EventView>,
    pub attachments: Vec<Attachment>,
}

pub async fn shown(s: &AppState, ctx: &Ctx, v: &Viewer, id: i64) -> Result<Shown, PageError> {
    let now = s.clock.now();
    let (t, clocks) = s.desk.ticket_with_clocks(v, TicketId(id), now).await?;
    let contract = s.desk.contract_by_id(t.contract_version_id).await?;
    let tz = contract.calendar().tz().clone();
    let terms = contract.terms();
    let version = if v.role == Role::Vendor {
        None
    } else {
        s.desk.contract_version(v, t.contract_version_id).await.ok()
    };
    let customer = if v.role == Role::Vendor {
        String::new()
    } else {
        s.desk.customer(v, t.customer_id).await?.name
    };
    let system = match (t.system_id, v.role) {
        (Some(sid), Role::Admin | Role::Agent | Role::Customer) => s
            .desk
            .systems(v, t.customer_id)
            .await?
            .into_iter()
            .find(|x| x.id == sid)
            .map(|x| x.name)
            .unwrap_or_default(),
        _ => String::new(),
    };
    let users = people(s, v).await?;
    let events = s.desk.ticket_events(v, t.id).await?;
    Ok(Shown {
        customer,
        system,
        contract: ContractView {
            effective_from: version
                .map(|c| c.effective_from.to_string())
                .unwrap_or_default(),
            coverage: terms
                .calendar
                .coverage
                .clone()
                .unwrap_or_else(|| ctx.t("coverage-custom")),
            tz: terms.calendar.tz.clone(),
            stability: terms.stability,
            lines: terms.lines.number(),
        },
        clocks: clocks.iter().map(|c| view::clock(ctx, c, &tz)).collect(),
        events: timeline::events(ctx, &events, &users),
        attachments: s.desk.attachments(v, t.id).await?,
        t,
    })
}

pub async fn page(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let v = ctx.staff()?.clone();
    let sh = shown(&s, &ctx, &v, id).await?;
    let next_statuses = [
        Status::Open,
        Status::WaitingForCustomer,
        Status::WaitingForVendor,
        Status::Resolved,
        Status::Closed,
    ]
    .into_iter()
    .filter(|st| sh.t.status.can_move_to(*st))
    .map(|st| (st.as_str(), ctx.t(view::status_key(st))))
    .collect();
    let agents = if v.is_staff() {
        s.desk
            .users(&v)
            .await?
            .into_iter()
            .filter(|u| matches!(u.role, Role::Agent | Role::Admin) && !u.disabled)
            .map(|u| (u.id.0, u.name))
            .collect()
    } else {
        Vec::new()
    };
    let vendor = s.desk.vendor(&v, sh.t.id).await.unwrap_or(None);
    let vendor_contacts = if v.is_staff() {
        s.desk
            .users(&v)
            .await?
            .into_iter()
            .filter(|u| u.role == Role::Vendor && !u.disabled)
            .map(|u| (u.id.0, u.name))
            .collect()
    } else {
        Vec::new()
    };
    let groups = if v.is_staff() {
        s.desk
            .groups(&v)
            .await?
            .into_iter()
            .map(|g| (g.id, g.name))
            .collect()
    } else {
        Vec::new()
    };
    let page = TicketPage {
        status: ctx.t(view::status_key(sh.t.status)),
        can_escalate: sh.t.line.number() < sh.contract.lines,
        is_vendor: v.role == Role::Vendor,
        customer: sh.customer,
        system: sh.system,
        contract: sh.contract,
        clocks: sh.clocks,
        events: sh.events,
        attachments: sh.attachments,
        assignee: sh.t.assignee_id.map_or(0, |a| a.0),
        group: sh.t.group_id.unwrap_or(0),
        groups,
        t: sh.t,
        next_statuses,
        agents,
        vendor_contact: vendor
            .as_ref()
            .and_then(|b| b.contact_id)
            .map_or(0, |c| c.0),
        vendor,
        vendor_contacts,
        ctx,
    };
    page.ctx.page(page.render())
}

/// Changes ticket `id` through the desk, at the desk's clock.
pub(super) async fn change(
    s: &AppState,
    v: &Viewer,
    id: i64,
    command: Command,
) -> Result<tierline_desk::Changed, PageError> {
    Ok(s.desk
        .change(v, TicketId(id), command, s.clock.now())
        .await?)
}

fn back(id: i64) -> Response {
    Redirect::to(&format!("/agent/tickets/{id}")).into_response()
}

#[derive(Deserialize)]
pub struct ReplyForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    body: String,
    /// `public` or `internal`.
    visibility: Option<String>,
}

pub async fn reply(
    State(s): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    Path(id): Path<i64>,
    PageForm(f): PageForm<ReplyForm>,
) -> Result<Response, PageError> {
    ctx.check(&headers, Some(&f.csrf))?;
    let v = ctx.staff()?;
    let public = opt(&f.visibility) != Some("internal");
    let command = Command::Reply {
        body: f.body,
        public,
    };
    change(&s, v, id, command).await?;
    Ok(back(id))
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    status: String,
    reason: Option<String>,
}

pub async fn status(
    State(s): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    Path(id): Path<i64>,
    PageForm(f): PageForm<StatusForm>,
) -> Result<Response, PageError> {
    ctx.check(&headers, Some(&f.csrf))?;
    let v = ctx.staff()?;
    let to = Status::parse(&f.status).ok_or(ApiError::field("status", "is not a status"))?;
    let reason = opt(&f.reason).map(str::to_owned);
    change(&s, v, id, Command::Status { to, reason }).await?;
    Ok(back(id))
}

#[derive(Deserialize)]
pub struct ClassForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    class: i64,
    reason: String,
}

pub async fn class(
    State(s): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    Path(id): Path<i64>,
    PageForm(f): PageForm<ClassForm>,
) -> Result<Response, PageError> {
    ctx.check(&headers, Some(&f.csrf))?;
    let v = ctx.staff()?;
    let class = Class::try_from(f.class).map_err(|_| ApiError::field("class", "must be 1 to 6"))?;
    if f.reason.trim().is_empty() {
        return Err(ApiError::field("reason", "must say why the class changes").into());
    }
    // Through the desk, so the classifier learns from it at once, as from the API.
    let reason = f.reason.trim().to_owned();
    change(&s, v, id, Command::Reclassify { class, reason }).await?;
    Ok(back(id))
}

#[derive(Deserialize)]
pub struct LineForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    /// `up` (escalate) or `down` (de-escalate).
    direction: String,
    reason: String,
}

pub async fn line(
    State(s): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    Path(id): Path<i64>,
    PageForm(f): PageForm<LineForm>,
) -> Result<Response, PageError> {
    ctx.check(&headers, Some(&f.csrf))?;
    let v = ctx.staff()?;
    let up = match f.direction.as_str() {
        "up" => true,
        "down" => false,
        _ => return Err(ApiError::field("direction", "must be up or down").into()),
    };
    if f.reason.trim().is_empty() {
        return Err(ApiError::field("reason", "must say why").into());
    }
    let reason = f.reason.trim().to_owned();
    let command = if up {
        Command::Escalate { reason }
    } else {
        Command::Deescalate { reason }
    };
    change(&s, v, id, command).await?;
    Ok(back(id))
}

#[derive(Deserialize)]
pub struct AssignForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    assignee: Option<String>,
}

pub async fn assign(
    State(s): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    Path(id): Path<i64>,
    PageForm(f): PageForm<AssignForm>,
) -> Result<Response, PageError> {
    ctx.check(&headers, Some(&f.csrf))?;
    let v = ctx.staff()?;
    let assignee = match opt(&f.assignee) {
        Some(a) => {
            Some(UserId(a.parse().map_err(|_| {
                ApiError::field("assignee", "is not an agent")
            })?))
        }
        None => None,
    };
    change(&s, v, id, Command::Assign { assignee }).await?;
    Ok(back(id))
}

#[derive(Deserialize)]
pub struct GroupForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    group: Option<String>,
}

pub async fn group(
    State(s): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    Path(id): Path<i64>,
    PageForm(f): PageForm<GroupForm>,
) -> Result<Response, PageError> {
    ctx.check(&headers, Some(&f.csrf))?;
    let v = ctx.staff()?;
    let group = match opt(&f.group) {
        Some(g) => Some(
            g.parse()
                .map_err(|_| ApiError::field("group", "is not a group"))?,
        ),
        None => None,
    };
    change(&s, v, id, Command::Group { group }).await?;
    Ok(back(id))
}

#[derive(Deserialize)]
pub struct TimeForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    minutes: String,
    note: String,
    consultation: Option<String>,
}

pub async fn log_time(
    State(s): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    Path(id): Path<i64>,
    PageForm(f): PageForm<TimeForm>,
) -> Result<Response, PageError> {
    ctx.check(&headers, Some(&f.csrf))?;
    let v = ctx.staff()?;
    let minutes = f
        .minutes
        .trim()
        .parse()
        .map_err(|_| ApiError::field("minutes", "must be a whole number of minutes"))?;
    let entry = NewTimeEntry {
        minutes,
        note: f.note,
        consultation: f.consultation.map(|c| c == "on" || c == "true"),
        worked_at: None,
    };
    change(&s, v, id, Command::LogTime(entry)).await?;
    Ok(back(id))
}

#[derive(Deserialize)]
pub struct VendorForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    vendor: String,
    external_ref: Option<String>,
    vendor_status: Option<String>,
    promise: Option<String>,
    /// The vendor contact to share with; empty ends the share.
    #[serde(default)]
    contact_id: Option<String>,
}

pub async fn vendor(
    State(s): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    Path(id): Path<i64>,
    PageForm(f): PageForm<VendorForm>,
) -> Result<Response, PageError> {
    ctx.check(&headers, Some(&f.csrf))?;
    let v = ctx.staff()?;
    let existing = s.desk.vendor(v, TicketId(id)).await?;
    let block = VendorBlock {
        vendor: f.vendor,
        external_ref: opt(&f.external_ref).map(str::to_owned),
        vendor_status: opt(&f.vendor_status).map(str::to_owned),
        promise: opt(&f.promise).map(str::to_owned),
        promised_by: existing.as_ref().and_then(|e| e.promised_by),
        contact_id: match opt(&f.contact_id) {
            None => None,
            Some(c) => {
                Some(UserId(c.parse().map_err(|_| {
                    ApiError::field("contact_id", "no such vendor contact")
                })?))
            }
        },
    };
    change(&s, v, id, Command::Vendor(block)).await?;
    Ok(back(id))
}

/// `GET /attachments/{id}`: always a download, never shown inline, so an uploaded page or
/// script cannot run under our origin.
pub async fn attachment(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let v = ctx.viewer()?;
    let (a, bytes) = s.desk.attachment(v, id).await?;
    let ascii: String = a
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_ ".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        super::form::encode(&a.file_name)
    );
    Ok((
        [
            (CONTENT_TYPE, "application/octet-stream".to_owned()),
            (CONTENT_DISPOSITION, disposition),
            (CACHE_CONTROL, "private, no-store".to_owned()),
            (
                axum::http::HeaderName::from_static("x-content-type-options"),
                "nosniff".to_owned(),
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `POST /agent/tickets/{id}/attachments`: files an agent adds, public or internal.
pub async fn attach(
    State(s): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    Path(id): Path<i64>,
    form: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let fields = super::form::Fields::multipart(form, "files").await?;
    ctx.check(&headers, fields.one("_csrf"))?;
    let v = ctx.desk()?;
    if fields.files.is_empty() {
        return Err(ApiError::field("files", "choose a file").into());
    }
    let public = fields.one("visibility") != Some("internal");
    // All or none, counted against the ticket's customer's quota and rate together.
    let files = super::form::new_files(fields.files, public);
    change(&s, v, id, Command::Attach { files }).await?;
    Ok(back(id))
}

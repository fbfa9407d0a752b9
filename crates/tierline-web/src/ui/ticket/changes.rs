//! The changes an agent makes on a ticket's page, each parsed from its form and sent to the
//! desk as one command: the same use cases the API reaches.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tierline_desk::{Command, NewTimeEntry, TicketId, UserId, VendorBlock, Viewer};
use tierline_domain::Class;
use tierline_domain::ticket::Status;

use crate::error::PageError;
use crate::ui::ctx::Ctx;
use crate::ui::form::{PageForm, opt};
use crate::{ApiError, AppState};

/// What the page says about the contract in force.
/// Changes ticket `id` through the desk, at the desk's clock.
pub(in crate::ui) async fn change(
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

/// `POST /agent/tickets/{id}/attachments`: files an agent adds, public or internal.
pub async fn attach(
    State(s): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    Path(id): Path<i64>,
    form: axum::extract::Multipart,
) -> Result<Response, PageError> {
    let fields = crate::ui::form::Fields::multipart(form, "files").await?;
    ctx.check(&headers, fields.one("_csrf"))?;
    let v = ctx.desk()?;
    if fields.files.is_empty() {
        return Err(ApiError::field("files", "choose a file").into());
    }
    let public = fields.one("visibility") != Some("internal");
    // All or none, counted against the ticket's customer's quota and rate together.
    let files = crate::ui::form::new_files(fields.files, public);
    change(&s, v, id, Command::Attach { files }).await?;
    Ok(back(id))
}

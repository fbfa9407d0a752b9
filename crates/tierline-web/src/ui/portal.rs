//! The customer portal: an organisation's requests with their status and when a reply is due,
//! a new request with attachments, replies, and confirming or reopening a resolution. Internal
//! notes, other organisations and agents' private data never reach these pages: the store
//! scopes every read to the customer user.

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tierline_desk::{Command, DeskError, NewRequest, StoreError, System, TicketFilter};
use tierline_domain::ticket::{Channel, Status};
use tierline_domain::workflow::Refusal;

use super::ctx::Ctx;
use super::form::{Fields, PageForm, new_files, opt};
use super::ticket::{Shown, shown};
use super::view::{self, Row};
use crate::error::PageError;
use crate::{ApiError, AppState};

#[derive(Template)]
#[template(path = "portal_list.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<Row>,
    has_more: bool,
}

pub async fn list(State(s): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let v = ctx.viewer()?.clone();
    if !ctx.is_customer() {
        return Ok(Redirect::to("/agent/queue").into_response());
    }
    let page = s
        .desk
        .tickets(
            &v,
            &TicketFilter {
                limit: 100,
                ..Default::default()
            },
            s.clock.now(),
        )
        .await?;
    let rows = super::agent::rows_for(&s, &ctx, &v, &page.items).await?;
    let p = ListPage {
        rows,
        has_more: page.has_more,
        ctx,
    };
    p.ctx.page(p.render())
}

#[derive(Template)]
#[template(path = "portal_new.html")]
struct NewPage {
    ctx: Ctx,
    systems: Vec<System>,
    error: Option<String>,
    subject: String,
    description: String,
}

async fn customer_systems(s: &AppState, ctx: &Ctx) -> Result<Vec<System>, PageError> {
    let v = ctx.viewer()?;
    match v.customer_id {
        Some(c) if ctx.is_customer() => Ok(s.desk.systems(v, c).await?),
        _ => Err(PageError(ApiError::NotFound)),
    }
}

pub async fn new_form(State(s): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let systems = customer_systems(&s, &ctx).await?;
    let p = NewPage {
        ctx,
        systems,
        error: None,
        subject: String::new(),
        description: String::new(),
    };
    p.ctx.page(p.render())
}

pub async fn create(
    State(s): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    form: Multipart,
) -> Result<Response, PageError> {
    let v = ctx.viewer()?.clone();
    let mut fields = Fields::multipart(form, "files").await?;
    ctx.check(&headers, fields.one("_csrf"))?;
    let uploads = std::mem::take(&mut fields.files);
    let get = |k: &str| fields.text(k);
    let system_id = match get("system").trim() {
        "" => None,
        sid => Some(tierline_desk::SystemId(sid.parse().map_err(|_| {
            ApiError::field("system", "is not one of your systems")
        })?)),
    };
    if uploads
        .iter()
        .any(|f| f.bytes.len() > tierline_desk::MAX_ATTACHMENT_BYTES)
    {
        return Err(ApiError::field("files", "each file must be at most 10 MiB").into());
    }
    // A customer's request is classified by the desk on arrival; the portal never asks for a
    // class (a customer's guess would be trusted as a qualification). Its files are kept with
    // it in one transaction: over the customer's quota or rate, no request is opened.
    let (subject, description) = (get("subject"), get("description"));
    let mut new = NewRequest::new(Channel::Portal, subject, description);
    new.system_id = system_id;
    new.files = new_files(uploads, true);
    let t = match s.desk.open_request(&v, new, s.clock.now()).await {
        Ok(opened) => opened.ticket,
        Err(
            DeskError::Store(StoreError::Invalid { field, message })
            | DeskError::Refused(Refusal::Invalid { field, message }),
        ) => {
            let systems = customer_systems(&s, &ctx).await?;
            let p = NewPage {
                error: Some(format!("{}: {message}", ctx.t(&format!("field-{field}")))),
                subject: get("subject"),
                description: get("description"),
                ctx,
                systems,
            };
            let mut r = p.ctx.page(p.render())?;
            *r.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            return Ok(r);
        }
        Err(e) => return Err(e.into()),
    };
    Ok(Redirect::to(&format!("/portal/tickets/{}", t.id)).into_response())
}

#[derive(Template)]
#[template(path = "portal_ticket.html")]
struct TicketPage {
    ctx: Ctx,
    sh: Shown,
    status: String,
}

pub async fn page(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let v = ctx.viewer()?.clone();
    if !ctx.is_customer() {
        return Ok(Redirect::to(&format!("/agent/tickets/{id}")).into_response());
    }
    let sh = shown(&s, &ctx, &v, id).await?;
    let p = TicketPage {
        status: ctx.t(view::status_key(sh.t.status)),
        sh,
        ctx,
    };
    p.ctx.page(p.render())
}

#[derive(Deserialize)]
pub struct ReplyForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    body: String,
}

pub async fn reply(
    State(s): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    Path(id): Path<i64>,
    PageForm(f): PageForm<ReplyForm>,
) -> Result<Response, PageError> {
    ctx.check(&headers, Some(&f.csrf))?;
    let v = ctx.viewer()?;
    let command = Command::Reply {
        body: f.body,
        public: true,
    };
    super::ticket::change(&s, v, id, command).await?;
    Ok(Redirect::to(&format!("/portal/tickets/{id}")).into_response())
}

#[derive(Deserialize)]
pub struct StatusForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    /// `confirm` (close a resolved request) or `reopen`.
    action: String,
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
    let v = ctx.viewer()?;
    let to = match f.action.as_str() {
        "confirm" => Status::Closed,
        "reopen" => Status::Open,
        _ => return Err(ApiError::field("action", "must be confirm or reopen").into()),
    };
    let reason = opt(&f.reason).map(str::to_owned);
    super::ticket::change(&s, v, id, Command::Status { to, reason }).await?;
    Ok(Redirect::to(&format!("/portal/tickets/{id}")).into_response())
}

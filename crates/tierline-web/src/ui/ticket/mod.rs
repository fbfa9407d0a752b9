//! The agent's ticket page and what can be done from it: reply or note, status, class with a
//! reason, escalation, assignment, time, and line 4's vendor block. Attachments download here
//! for everyone who may see the ticket.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use tierline_desk::{Attachment, Role, Ticket, TicketId, VendorBlock, Viewer};
use tierline_domain::ticket::Status;

use super::ctx::Ctx;
use super::timeline::{self, EventView};
use super::view::{self, ClockView};
use crate::AppState;
use crate::error::PageError;

mod changes;
pub(super) use changes::change;
pub use changes::*;

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

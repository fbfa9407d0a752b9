//! Agents' queues (per line, mine, unassigned, breached, needs qualification), nearest due
//! first and live, and search across tickets.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use jiff::Timestamp;
use serde::Deserialize;
use tierline_desk::{Role, Ticket, TicketFilter, Viewer};
use tierline_domain::Class;
use tierline_domain::ticket::{Line, Status};

use super::ctx::Ctx;
use super::form::opt;
use super::view::{self, Row};
use crate::error::PageError;
use crate::{ApiError, AppState};

/// A queue tab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tab {
    /// The `view` parameter.
    pub key: String,
    /// The label.
    pub label: String,
}

fn tabs(ctx: &Ctx, v: &Viewer, groups: &[tierline_desk::Group]) -> Vec<Tab> {
    let lines: Vec<u8> = match v.role {
        Role::Admin => vec![1, 2, 3, 4],
        Role::Vendor => vec![4],
        _ => v.lines.iter().map(|l| l.number()).collect(),
    };
    let mut out: Vec<Tab> = lines
        .into_iter()
        .map(|l| Tab {
            key: format!("line{l}"),
            label: ctx.t1("queue-line", "line", l),
        })
        .collect();
    for g in groups.iter().filter(|g| g.members.contains(&v.user_id)) {
        out.push(Tab {
            key: format!("group{}", g.id),
            label: g.name.clone(),
        });
    }
    if v.role != Role::Vendor {
        for (key, label) in [
            ("mine", "queue-mine"),
            ("unassigned", "queue-unassigned"),
            ("breached", "queue-breached"),
            ("needs_qualification", "queue-needs-qualification"),
        ] {
            out.push(Tab {
                key: key.to_owned(),
                label: ctx.t(label),
            });
        }
    }
    out
}

#[derive(Deserialize)]
pub struct QueueQuery {
    view: Option<String>,
}

fn filter_for(view: &str, v: &Viewer) -> Result<TicketFilter, PageError> {
    let mut f = TicketFilter {
        active: Some(true),
        limit: 100,
        ..Default::default()
    };
    match view {
        "mine" => f.assignee_id = Some(v.user_id),
        "unassigned" => f.unassigned = Some(true),
        "breached" => f.breached = Some(true),
        "needs_qualification" => f.needs_qualification = Some(true),
        group if group.starts_with("group") => {
            f.group_id = Some(
                group[5..]
                    .parse()
                    .map_err(|_| PageError(ApiError::NotFound))?,
            );
        }
        line if line.starts_with("line") => {
            let n: i64 = line[4..]
                .parse()
                .map_err(|_| PageError(ApiError::NotFound))?;
            f.line = Some(Line::try_from(n).map_err(|_| PageError(ApiError::NotFound))?);
        }
        _ => return Err(PageError(ApiError::NotFound)),
    }
    Ok(f)
}

/// Names of organisations and staff, for the rows.
async fn names(
    s: &AppState,
    v: &Viewer,
) -> Result<(HashMap<i64, String>, HashMap<i64, String>), PageError> {
    let customers = s
        .desk
        .customers(v)
        .await?
        .into_iter()
        .map(|c| (c.id.0, c.name))
        .collect();
    let users = if v.is_staff() {
        s.desk
            .users(v)
            .await?
            .into_iter()
            .filter(|u| matches!(u.role, Role::Admin | Role::Agent))
            .map(|u| (u.id.0, u.name))
            .collect()
    } else {
        HashMap::new()
    };
    Ok((customers, users))
}

/// Rows for a page of tickets, with their clocks evaluated now.
pub async fn rows_for(
    s: &AppState,
    ctx: &Ctx,
    v: &Viewer,
    tickets: &[Ticket],
) -> Result<Vec<Row>, PageError> {
    let now = s.clock.now();
    let clocks = s.desk.clocks_of(tickets, now).await?;
    let mut zones = Vec::with_capacity(tickets.len());
    for t in tickets {
        let c = s.desk.contract_by_id(t.contract_version_id).await?;
        zones.push(c.calendar().tz().clone());
    }
    let (customers, users) = names(s, v).await?;
    Ok(view::rows(
        ctx, tickets, &clocks, &zones, &customers, &users,
    ))
}

#[derive(Template)]
#[template(path = "queue.html")]
struct QueuePage {
    ctx: Ctx,
    tabs: Vec<Tab>,
    current: String,
    rows: Vec<Row>,
    has_more: bool,
}

#[derive(Template)]
#[template(path = "queue_rows.html")]
struct QueueRows {
    ctx: Ctx,
    rows: Vec<Row>,
    has_more: bool,
}

fn default_view(v: &Viewer) -> String {
    match v.role {
        Role::Vendor => "line4".to_owned(),
        _ => format!("line{}", v.lines.first().map_or(1, |l| l.number())),
    }
}

pub async fn home() -> Response {
    Redirect::to("/agent/queue").into_response()
}

async fn queue_data(s: &AppState, ctx: &Ctx, view: &str) -> Result<(Vec<Row>, bool), PageError> {
    let v = ctx.staff()?;
    let filter = filter_for(view, v)?;
    let page = s.desk.tickets(v, &filter, s.clock.now()).await?;
    let rows = rows_for(s, ctx, v, &page.items).await?;
    Ok((rows, page.has_more))
}

pub async fn queue(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<QueueQuery>,
) -> Result<Response, PageError> {
    let v = ctx.staff()?.clone();
    let current = q.view.unwrap_or_else(|| default_view(&v));
    let (rows, has_more) = queue_data(&s, &ctx, &current).await?;
    let groups = if v.is_staff() {
        s.desk.groups(&v).await?
    } else {
        Vec::new()
    };
    let page = QueuePage {
        tabs: tabs(&ctx, &v, &groups),
        current,
        rows,
        has_more,
        ctx,
    };
    page.ctx.page(page.render())
}

/// The rows alone, for htmx to swap in when the queue changes.
pub async fn queue_rows(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<QueueQuery>,
) -> Result<Response, PageError> {
    let v = ctx.staff()?.clone();
    let current = q.view.unwrap_or_else(|| default_view(&v));
    let (rows, has_more) = queue_data(&s, &ctx, &current).await?;
    let page = QueueRows {
        rows,
        has_more,
        ctx,
    };
    page.ctx.page(page.render())
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    q: Option<String>,
    customer: Option<String>,
    class: Option<String>,
    line: Option<String>,
    status: Option<String>,
    from: Option<String>,
    to: Option<String>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    ctx: Ctx,
    q: String,
    customer: String,
    class: String,
    line: String,
    from: String,
    to: String,
    customers: Vec<(i64, String)>,
    statuses: Vec<(&'static str, String, bool)>,
    searched: bool,
    rows: Vec<Row>,
    has_more: bool,
}

fn parse_num<T: TryFrom<i64>>(field: &str, s: Option<&str>) -> Result<Option<T>, PageError> {
    match s {
        None => Ok(None),
        Some(s) => s
            .parse::<i64>()
            .ok()
            .and_then(|n| T::try_from(n).ok())
            .map(Some)
            .ok_or_else(|| PageError(ApiError::field(field, "is not one of the choices"))),
    }
}

/// A local date as the start of that day in the viewer's zone.
fn day_start(ctx: &Ctx, field: &str, s: Option<&str>) -> Result<Option<Timestamp>, PageError> {
    match s {
        None => Ok(None),
        Some(s) => {
            let d: jiff::civil::Date = s
                .parse()
                .map_err(|_| PageError(ApiError::field(field, "must be a date: YYYY-MM-DD")))?;
            let z = d
                .to_zoned(ctx.tz.clone())
                .map_err(|_| PageError(ApiError::field(field, "is out of range")))?;
            Ok(Some(z.timestamp()))
        }
    }
}

pub async fn search(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<SearchQuery>,
) -> Result<Response, PageError> {
    let v = ctx.desk()?.clone();
    let searched = [
        &q.q,
        &q.customer,
        &q.class,
        &q.line,
        &q.status,
        &q.from,
        &q.to,
    ]
    .iter()
    .any(|f| opt(f).is_some());
    let mut filter = TicketFilter {
        text: opt(&q.q).map(str::to_owned),
        customer_id: parse_num::<i64>("customer", opt(&q.customer))?.map(tierline_desk::CustomerId),
        class: parse_num::<Class>("class", opt(&q.class))?,
        line: parse_num::<Line>("line", opt(&q.line))?,
        status: match opt(&q.status) {
            Some(st) => Some(
                Status::parse(st)
                    .ok_or_else(|| PageError(ApiError::field("status", "is not a status")))?,
            ),
            None => None,
        },
        opened_from: day_start(&ctx, "from", opt(&q.from))?,
        opened_before: day_start(&ctx, "to", opt(&q.to))?
            .map(|t| t + jiff::SignedDuration::from_hours(24)),
        limit: 100,
        ..Default::default()
    };
    if !searched {
        filter.limit = 1;
    }
    let (rows, has_more) = if searched {
        let page = s.desk.tickets(&v, &filter, s.clock.now()).await?;
        (rows_for(&s, &ctx, &v, &page.items).await?, page.has_more)
    } else {
        (Vec::new(), false)
    };
    let customers = s
        .desk
        .customers(&v)
        .await?
        .into_iter()
        .map(|c| (c.id.0, c.name))
        .collect();
    let statuses = [
        Status::New,
        Status::Open,
        Status::WaitingForCustomer,
        Status::WaitingForVendor,
        Status::Resolved,
        Status::Closed,
    ]
    .into_iter()
    .map(|st| {
        let selected = q.status.as_deref() == Some(st.as_str());
        (st.as_str(), ctx.t(view::status_key(st)), selected)
    })
    .collect();
    let page = SearchPage {
        q: q.q.unwrap_or_default(),
        customer: q.customer.unwrap_or_default(),
        class: q.class.unwrap_or_default(),
        line: q.line.unwrap_or_default(),
        from: q.from.unwrap_or_default(),
        to: q.to.unwrap_or_default(),
        customers,
        statuses,
        searched,
        rows,
        has_more,
        ctx,
    };
    page.ctx.page(page.render())
}

#[derive(Template)]
#[template(path = "agent_new.html")]
struct NewTicketPage {
    ctx: Ctx,
    customers: Vec<(i64, String)>,
    systems: Vec<(i64, i64, String)>,
}

/// A request taken by phone, typed in by an agent.
pub async fn new_ticket(State(s): State<AppState>, ctx: Ctx) -> Result<Response, PageError> {
    let v = ctx.desk()?.clone();
    let list = s.desk.customers(&v).await?;
    let mut systems = Vec::new();
    for c in &list {
        for sys in s.desk.systems(&v, c.id).await? {
            systems.push((c.id.0, sys.id.0, sys.name));
        }
    }
    let page = NewTicketPage {
        customers: list.into_iter().map(|c| (c.id.0, c.name)).collect(),
        systems,
        ctx,
    };
    page.ctx.page(page.render())
}

#[derive(Deserialize)]
pub struct NewTicketForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    customer: String,
    system: Option<String>,
    subject: String,
    #[serde(default)]
    description: String,
    class: Option<String>,
    /// When the call came, in the agent's zone (`datetime-local`); now if empty.
    opened_at: Option<String>,
}

pub async fn create_ticket(
    State(s): State<AppState>,
    headers: axum::http::HeaderMap,
    ctx: Ctx,
    super::form::PageForm(f): super::form::PageForm<NewTicketForm>,
) -> Result<Response, PageError> {
    ctx.check(&headers, Some(&f.csrf))?;
    let v = ctx.desk()?.clone();
    let customer = f
        .customer
        .trim()
        .parse::<i64>()
        .map_err(|_| ApiError::field("customer", "choose a customer"))?;
    let system_id = match opt(&f.system) {
        Some(sys) => Some(tierline_desk::SystemId(
            sys.parse()
                .map_err(|_| ApiError::field("system", "is not a system"))?,
        )),
        None => None,
    };
    let opened_at = match opt(&f.opened_at) {
        Some(t) => {
            let dt: jiff::civil::DateTime = t
                .parse()
                .map_err(|_| ApiError::field("opened_at", "must be a date and time"))?;
            Some(
                dt.to_zoned(ctx.tz.clone())
                    .map_err(|_| ApiError::field("opened_at", "is out of range"))?
                    .timestamp(),
            )
        }
        None => None,
    };
    let mut new = tierline_desk::NewRequest::new(
        tierline_domain::ticket::Channel::Phone,
        f.subject,
        f.description,
    );
    new.customer_id = Some(tierline_desk::CustomerId(customer));
    new.system_id = system_id;
    new.class = parse_num::<Class>("class", opt(&f.class))?;
    new.opened_at = opened_at;
    let t = s.desk.open_request(&v, new, s.clock.now()).await?.ticket;
    Ok(Redirect::to(&format!("/agent/tickets/{}", t.id)).into_response())
}

//! The web app: server-rendered pages (askama templates, auto-escaped), made live with htmx and
//! Server-Sent Events. Every asset is embedded in the binary; pages load nothing from elsewhere.
//! Forms work without JavaScript; each state-changing one carries a CSRF token (`ctx.rs`).

mod admin;
mod agent;
mod assets;
mod availability;
pub(crate) mod ctx;
mod form;
pub(crate) mod i18n;
mod live;
mod monitors;
mod portal;
mod site;
mod ticket;
mod timeline;
mod view;

pub use live::{LIVE_POLL, Live, LiveFollower};

use askama::Template;
use axum::Router;
use axum::extract::Request;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, LOCATION};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use crate::AppState;
use crate::error::PageFailure;

/// The largest new request from the portal, attachments included.
const NEW_REQUEST_LIMIT: usize = 4 * tierline_desk::MAX_ATTACHMENT_BYTES;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(site::home))
        .route("/request-support", post(site::lead))
        .route("/login", get(site::login_form).post(site::login))
        .route("/logout", post(site::logout))
        .route("/lang", post(site::lang))
        .route("/settings", get(site::settings).post(site::save_settings))
        .route("/settings/password", post(site::change_password))
        .route("/agent", get(agent::home))
        .route("/agent/queue", get(agent::queue))
        .route("/agent/queue/rows", get(agent::queue_rows))
        .route("/agent/search", get(agent::search))
        .route(
            "/agent/tickets/new",
            get(agent::new_ticket).post(agent::create_ticket),
        )
        .route("/agent/tickets/{id}", get(ticket::page))
        .route("/agent/tickets/{id}/reply", post(ticket::reply))
        .route("/agent/tickets/{id}/status", post(ticket::status))
        .route("/agent/tickets/{id}/class", post(ticket::class))
        .route("/agent/tickets/{id}/line", post(ticket::line))
        .route("/agent/tickets/{id}/assign", post(ticket::assign))
        .route("/agent/tickets/{id}/group", post(ticket::group))
        .route("/agent/tickets/{id}/time", post(ticket::log_time))
        .route("/agent/tickets/{id}/vendor", post(ticket::vendor))
        .route(
            "/agent/tickets/{id}/attachments",
            post(ticket::attach).layer(axum::extract::DefaultBodyLimit::max(NEW_REQUEST_LIMIT)),
        )
        .route("/attachments/{id}", get(ticket::attachment))
        .route("/portal", get(portal::list))
        .route(
            "/portal/new",
            get(portal::new_form)
                .post(portal::create)
                // A request may carry a few attachments of up to 10 MiB each.
                .layer(axum::extract::DefaultBodyLimit::max(NEW_REQUEST_LIMIT)),
        )
        .route("/portal/tickets/{id}", get(portal::page))
        .route("/portal/tickets/{id}/reply", post(portal::reply))
        .route("/portal/tickets/{id}/status", post(portal::status))
        .route("/admin", get(admin::home))
        .route("/admin/leads/{id}/handled", post(admin::lead_handled))
        .route("/admin/customers", post(admin::create_customer))
        .route("/admin/customers/{id}", get(admin::customer))
        .route("/admin/customers/{id}/systems", post(admin::create_system))
        .route(
            "/admin/customers/{id}/contracts",
            post(admin::create_contract),
        )
        .route("/admin/coverage-preview", get(admin::coverage_preview))
        .route("/admin/systems/{id}/monitors", get(monitors::page))
        .route(
            "/admin/monitors/{id}/private-targets",
            post(monitors::set_private_targets),
        )
        .route("/admin/users", post(admin::create_user))
        .route("/admin/users/{id}", post(admin::update_user))
        .route("/admin/groups", post(admin::create_group))
        .route("/admin/groups/{id}/members", post(admin::add_member))
        .route("/availability", get(availability::mine))
        .route("/availability/{id}", get(availability::page))
        .route("/ui/events", get(live::events))
        .route("/assets/{file}", get(assets::asset))
        .layer(axum::middleware::from_fn(errors))
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    ctx: ErrorCtx,
    status: u16,
    summary: String,
    detail: Option<String>,
}

/// The little of a context an error page needs (the full one may be what failed).
struct ErrorCtx {
    tr: i18n::Tr,
}

impl ErrorCtx {
    fn t(&self, key: &str) -> String {
        self.tr.t(key)
    }
}

/// The answer to a path nothing serves: a problem document under `/api/`, a page elsewhere.
pub(crate) async fn fallback(request: Request) -> Response {
    if request.uri().path().starts_with("/api/") {
        return crate::ApiError::NotFound.into_response();
    }
    let tr = i18n::Tr(ctx::request_lang(request.headers()));
    error_page(tr, StatusCode::NOT_FOUND, None)
}

fn error_page(tr: i18n::Tr, status: StatusCode, detail: Option<String>) -> Response {
    let summary = tr.t(match status.as_u16() {
        404 => "error-not-found",
        403 => "error-forbidden",
        422 | 400 => "error-invalid",
        429 => "error-too-many",
        413 => "error-too-large",
        _ => "error-internal",
    });
    let page = ErrorPage {
        ctx: ErrorCtx { tr },
        status: status.as_u16(),
        summary,
        detail,
    };
    let body = page.render().unwrap_or_else(|_| "error".to_owned());
    let mut r = (status, body).into_response();
    r.headers_mut().insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// Turns a failed page into one in the viewer's language, or into a redirect to sign in.
async fn errors(request: Request, next: Next) -> Response {
    let lang = ctx::request_lang(request.headers());
    let path = request
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned());
    let is_get = request.method() == axum::http::Method::GET;
    let response = next.run(request).await;
    let Some(failure) = response.extensions().get::<PageFailure>().cloned() else {
        return response;
    };
    if failure.status == StatusCode::UNAUTHORIZED {
        let back = if is_get { path } else { "/".to_owned() };
        let target = format!("/login?next={}", form::encode(&back));
        let mut r = StatusCode::SEE_OTHER.into_response();
        if let Ok(v) = HeaderValue::from_str(&target) {
            r.headers_mut().insert(LOCATION, v);
        }
        return r;
    }
    let tr = i18n::Tr(lang);
    let detail = match &failure.message {
        Some(m) => {
            let args: Vec<(&str, &dyn std::fmt::Display)> = m
                .args
                .iter()
                .map(|(k, v)| (*k, v as &dyn std::fmt::Display))
                .collect();
            Some(tr.t_args(m.key, &args))
        }
        None if failure.translated.is_empty() => failure.detail,
        None => Some(
            failure
                .translated
                .iter()
                .map(|(field, key)| tr.t1(key, "field", field_label(tr, field)))
                .collect::<Vec<_>>()
                .join(" "),
        ),
    };
    let mut page = error_page(tr, failure.status, detail);
    if let Some(wait) = response.headers().get(axum::http::header::RETRY_AFTER) {
        page.headers_mut()
            .insert(axum::http::header::RETRY_AFTER, wait.clone());
    }
    page
}

/// A field's name as a form shows it (`field-…` in the translations), or as sent when it has none.
pub(crate) fn field_label(tr: i18n::Tr, field: &str) -> String {
    let key = format!("field-{field}");
    let label = tr.t(&key);
    if label == key {
        field.to_owned()
    } else {
        label
    }
}

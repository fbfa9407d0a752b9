//! The OpenAPI 3.1 document, generated from the handlers' annotations, and a page to browse it.
//!
//! `docs/openapi.json` holds a copy; a test fails when the two differ, so a change to the API is
//! always a visible change to that file (`cargo run -p tierline -- openapi > docs/openapi.json`).

use axum::Router;
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::AppState;
use crate::api::{
    alerts, availability, classify, customers, groups, heartbeat, monitors, session, tickets, users,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "tierline",
        description = "The tierline service desk API. Authenticate with `Authorization: Bearer <token>`; \
                       errors are RFC 9457 problem details (`application/problem+json`). Instants are \
                       RFC 3339, durations ISO 8601.",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        session::sign_in, session::sign_out,
        classify::classify, classify::rules, classify::set_rules,
        groups::list, groups::create, groups::add_member, groups::assign,
        users::me, users::change_password, users::list, users::get, users::create, users::update, users::tokens, users::create_token, users::revoke_token,
        customers::list, customers::create, customers::get, customers::systems, customers::create_system,
        customers::contracts, customers::create_contract, customers::contract, customers::consultation,
        tickets::create, tickets::list, tickets::get, tickets::events, tickets::reply, tickets::status,
        tickets::class, tickets::escalate, tickets::deescalate, tickets::assign, tickets::milestone,
        tickets::log_time, tickets::time_entries, tickets::set_vendor, tickets::vendor,
        monitors::list, monitors::create, monitors::get, monitors::update, monitors::maintenance,
        monitors::create_maintenance, monitors::delete_maintenance, monitors::incidents,
        availability::availability, availability::customer, heartbeat::ping,
        alerts::alertmanager, alerts::grafana, alerts::zabbix, alerts::rotate_secret,
    ),
    modifiers(&BearerAuth),
    tags(
        (name = "tickets", description = "Requests, their timeline and their SLA clocks"),
        (name = "customers", description = "Customer organisations and their systems"),
        (name = "contracts", description = "Contract versions: coverage, SLA table, lines"),
        (name = "users", description = "Staff, customer users and vendor contacts"),
        (name = "tokens", description = "API tokens"),
        (name = "session", description = "Signing in to the web app"),
        (name = "classifier", description = "Automatic classification of requests"),
        (name = "monitoring", description = "Stability monitoring: monitors, maintenance, incidents, availability, heartbeats and alert webhooks"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        let components = doc.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

/// The document as pretty JSON, as committed in `docs/openapi.json`.
pub fn document() -> String {
    let mut doc = ApiDoc::openapi();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    doc.to_pretty_json()
        .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(json))
        .route("/docs", get(page))
}

async fn json() -> impl IntoResponse {
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        document(),
    )
}

async fn page() -> Html<&'static str> {
    Html(include_str!("../assets/api-docs.html"))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_committed_document_matches_the_code() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/openapi.json");
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        let current = super::document();
        assert!(
            committed.trim_end() == current.trim_end(),
            "docs/openapi.json is out of date: run `cargo run -p tierline -- openapi > docs/openapi.json`"
        );
        let doc: serde_json::Value = serde_json::from_str(&current).unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
        assert!(doc["paths"]["/api/v1/tickets"]["post"].is_object());
    }
}

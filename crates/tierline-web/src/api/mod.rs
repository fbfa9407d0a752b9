//! The REST API under `/api/v1`.

pub(crate) mod alerts;
pub(crate) mod availability;
pub(crate) mod classify;
pub(crate) mod customers;
pub(crate) mod groups;
pub(crate) mod heartbeat;
pub(crate) mod monitors;
pub(crate) mod session;
pub(crate) mod tickets;
pub(crate) mod users;

use axum::Router;
use axum::routing::{delete, get, post};

use crate::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/session", post(session::sign_in).delete(session::sign_out))
        .route("/me", get(users::me))
        .route("/me/password", post(users::change_password))
        .route("/classify", post(classify::classify))
        .route(
            "/classifier/rules",
            get(classify::rules).put(classify::set_rules),
        )
        .route("/groups", get(groups::list).post(groups::create))
        .route("/groups/{id}/members", post(groups::add_member))
        .route("/tickets/{id}/group", post(groups::assign))
        .route("/customers", get(customers::list).post(customers::create))
        .route("/customers/{id}", get(customers::get))
        .route(
            "/customers/{id}/systems",
            get(customers::systems).post(customers::create_system),
        )
        .route(
            "/customers/{id}/contracts",
            get(customers::contracts).post(customers::create_contract),
        )
        .route("/customers/{id}/consultation", get(customers::consultation))
        .route("/contracts/{id}", get(customers::contract))
        .route("/users", get(users::list).post(users::create))
        .route("/users/{id}", get(users::get).patch(users::update))
        .route(
            "/users/{id}/tokens",
            get(users::tokens).post(users::create_token),
        )
        .route("/tokens/{id}", delete(users::revoke_token))
        .route("/tickets", get(tickets::list).post(tickets::create))
        .route("/tickets/{id}", get(tickets::get))
        .route("/tickets/{id}/events", get(tickets::events))
        .route("/tickets/{id}/replies", post(tickets::reply))
        .route("/tickets/{id}/status", post(tickets::status))
        .route("/tickets/{id}/class", post(tickets::class))
        .route("/tickets/{id}/escalate", post(tickets::escalate))
        .route("/tickets/{id}/deescalate", post(tickets::deescalate))
        .route("/tickets/{id}/assign", post(tickets::assign))
        .route("/tickets/{id}/milestones", post(tickets::milestone))
        .route(
            "/tickets/{id}/time",
            get(tickets::time_entries).post(tickets::log_time),
        )
        .route(
            "/tickets/{id}/vendor",
            get(tickets::vendor).put(tickets::set_vendor),
        )
        .route(
            "/systems/{id}/monitors",
            get(monitors::list).post(monitors::create),
        )
        .route("/monitors/{id}", get(monitors::get).put(monitors::update))
        .route(
            "/systems/{id}/maintenance",
            get(monitors::maintenance).post(monitors::create_maintenance),
        )
        .route("/maintenance/{id}", delete(monitors::delete_maintenance))
        .route("/systems/{id}/incidents", get(monitors::incidents))
        .route(
            "/systems/{id}/availability",
            get(availability::availability),
        )
        .route("/customers/{id}/availability", get(availability::customer))
        .route(
            "/heartbeat/{secret}",
            get(heartbeat::ping).post(heartbeat::ping),
        )
        .route("/alerts/alertmanager", post(alerts::alertmanager))
        .route("/alerts/grafana", post(alerts::grafana))
        .route("/alerts/zabbix", post(alerts::zabbix))
        .route("/customers/{id}/alert-secret", post(alerts::rotate_secret))
}

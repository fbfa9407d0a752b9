//! The span every request runs in, so each log line of a request carries its ids as fields.
//!
//! `request_id` comes from `x-request-id` (set by `SetRequestIdLayer` before this runs, or the
//! caller's own), `path` is the matched route (`/api/v1/tickets/{id}`), never the raw URI, so
//! lines group by endpoint and carry no ids in the path. `ticket_id` is filled here when the
//! route names a ticket, and `customer_id` by the auth extractor for a customer's user; both
//! are declared empty up front because a span's fields cannot be added later, only recorded.

use axum::extract::MatchedPath;
use axum::http::Request;
use tracing::Span;
use tracing::field::Empty;

/// The header holding the request id.
pub(crate) const REQUEST_ID: &str = "x-request-id";

/// `TraceLayer::make_span_with`: the request's span, at `INFO` so the default filter keeps it.
pub(crate) fn make_span<B>(request: &Request<B>) -> Span {
    let request_id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(MatchedPath::as_str);
    let span = tracing::info_span!(
        "request",
        request_id,
        method = %request.method(),
        path = route.unwrap_or("(no route)"),
        ticket_id = Empty,
        customer_id = Empty,
    );
    if let Some(id) = route.and_then(|r| ticket_in(r, request.uri().path())) {
        span.record("ticket_id", id);
    }
    span
}

/// Records the organisation of the caller, when it is a customer's user.
pub(crate) fn record_viewer(viewer: &tierline_domain::workflow::Actor) {
    if viewer.role == tierline_domain::workflow::Role::Customer
        && let Some(c) = viewer.customer_id
    {
        record_customer(c.0);
    }
}

fn record_customer(id: i64) {
    Span::current().record("customer_id", id);
}

/// The id at the `{id}` that follows a `tickets` segment of `route`, read from `path`.
fn ticket_in(route: &str, path: &str) -> Option<i64> {
    let route: Vec<&str> = route.split('/').collect();
    let path: Vec<&str> = path.split('/').collect();
    route
        .windows(2)
        .position(|w| w[0] == "tickets" && w[1].starts_with('{'))
        .and_then(|i| path.get(i + 1))
        .and_then(|s| s.parse().ok())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests fail loudly")]

    use std::sync::{Arc, Mutex};

    use axum::Router;
    use axum::body::Body;
    use axum::routing::get;
    use tower::ServiceExt;
    use tower_http::trace::TraceLayer;

    use super::*;

    #[test]
    fn the_ticket_id_is_read_where_the_route_names_it() {
        assert_eq!(
            ticket_in("/api/v1/tickets/{id}", "/api/v1/tickets/42"),
            Some(42)
        );
        assert_eq!(
            ticket_in("/agent/tickets/{id}/reply", "/agent/tickets/7/reply"),
            Some(7)
        );
        assert_eq!(
            ticket_in("/api/v1/customers/{id}", "/api/v1/customers/3"),
            None
        );
        assert_eq!(ticket_in("/api/v1/tickets", "/api/v1/tickets"), None);
    }

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_line_logged_during_a_request_carries_its_ids() {
        let out = Captured::default();
        let writer = out.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_writer(move || writer.clone())
            .finish();
        let _guard = tracing::subscriber::set_default(subscriber);
        let app = Router::new()
            .route(
                "/api/v1/tickets/{id}",
                get(|| async {
                    record_customer(5);
                    tracing::info!("inside the handler");
                }),
            )
            .layer(TraceLayer::new_for_http().make_span_with(make_span));
        let request = Request::get("/api/v1/tickets/42")
            .header(REQUEST_ID, "req-abc")
            .body(Body::empty())
            .unwrap();
        app.oneshot(request).await.unwrap();
        let text = String::from_utf8(out.0.lock().unwrap().clone()).unwrap();
        let line = text
            .lines()
            .find(|l| l.contains("inside the handler"))
            .expect("the handler's line");
        let line: serde_json::Value = serde_json::from_str(line).unwrap();
        let span = &line["span"];
        assert_eq!(span["request_id"], "req-abc", "{line}");
        assert_eq!(span["path"], "/api/v1/tickets/{id}", "{line}");
        assert_eq!(span["method"], "GET", "{line}");
        assert_eq!(span["ticket_id"], 42, "{line}");
        assert_eq!(span["customer_id"], 5, "{line}");
    }
}

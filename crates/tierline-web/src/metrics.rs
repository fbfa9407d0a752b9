//! Prometheus metrics: every request counted and timed by its route, and the desk's state
//! (open tickets by line and class, breaches, pending timers) and the background tasks' health
//! read at scrape time.

use std::sync::OnceLock;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::{ApiError, AppState};

const LATENCY_BUCKETS: [f64; 12] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
];

/// The process-wide recorder; installed once, whatever number of apps a process runs (tests).
fn handle() -> Option<&'static PrometheusHandle> {
    static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Full("http_request_duration_seconds".to_owned()),
                    &LATENCY_BUCKETS,
                )
                .ok()?
                .install_recorder()
                .map_err(|e| tracing::warn!(error = %e, "metrics recorder not installed"))
                .ok()
        })
        .as_ref()
}

pub fn routes() -> Router<AppState> {
    // Make sure the recorder exists before the first request is counted.
    let _ = handle();
    Router::new().route("/metrics", get(render))
}

/// Counts and times a request under its route template, never its raw path (no unbounded labels).
pub async fn track(req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = req.method().as_str().to_owned();
    let started = Instant::now();
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

async fn render(State(state): State<AppState>) -> Result<Response, ApiError> {
    let stats = state.desk.stats(state.clock.now()).await?;
    // Every combination is set, so a group that empties reads 0 instead of its last value.
    for line in 1..=4_i64 {
        for class in 1..=6_i64 {
            let n = stats
                .open_by_line_and_class
                .iter()
                .find(|(l, c, _)| *l == line && *c == class)
                .map_or(0, |(_, _, n)| *n);
            #[allow(clippy::cast_precision_loss, reason = "ticket counts are far below 2^52")]
            metrics::gauge!("tierline_open_tickets", "line" => line.to_string(), "class" => class.to_string()).set(n as f64);
        }
    }
    #[allow(
        clippy::cast_precision_loss,
        reason = "ticket counts are far below 2^52"
    )]
    {
        metrics::gauge!("tierline_breached_tickets").set(stats.breached as f64);
        metrics::gauge!("tierline_pending_sla_timers").set(stats.pending_timers as f64);
    }
    state.jobs.publish(state.clock.now());
    let body = handle().map(PrometheusHandle::render).unwrap_or_default();
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; version=0.0.4",
        )],
        body,
    )
        .into_response())
}

//! The timer runner against a real database and a clock the test moves.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use jiff::Timestamp;
use serde_json::json;
use tierline_store::{Backend, Clock, Role};
use tierline_testkit::{Story, TestApp};

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

async fn the_runner_fires_what_falls_due_and_stops_on_request(backend: Backend) {
    let app = TestApp::spawn(backend, ts("2026-11-16T09:00:00+02:00")).await;
    let (_, admin) = app.user("admin@desk.test", Role::Admin, None, &[]).await;
    let (_, c) = app
        .call(
            "POST",
            "/api/v1/customers",
            Some(&admin),
            Some(&json!({"name": "Acme"})),
        )
        .await;
    let id = c["id"].as_i64().unwrap();
    let terms = json!({"effective_from": "2026-01-01", "terms": {"calendar": {"tz": "Europe/Kyiv", "coverage": "base"}}});
    app.call(
        "POST",
        &format!("/api/v1/customers/{id}/contracts"),
        Some(&admin),
        Some(&terms),
    )
    .await;
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/tickets",
            Some(&admin),
            Some(&json!({"customer_id": id, "subject": "Down", "class": 3})),
        )
        .await;
    assert_eq!(status, 201);

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let runner = tokio::spawn(tierline_jobs::run_timers(
        app.store.clone(),
        app.clock.clone() as Arc<dyn tierline_store::Clock>,
        stopped,
    ));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        app.store.pending_outbox(10).await.unwrap().is_empty(),
        "nothing is due at 09:00"
    );

    app.clock.set(ts("2026-11-16T10:31:00+02:00"));
    let mut kinds = Vec::new();
    for _ in 0..50 {
        kinds = app
            .store
            .pending_outbox(10)
            .await
            .unwrap()
            .into_iter()
            .map(|m| m.kind)
            .collect();
        if kinds.len() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        kinds,
        ["sla.warning", "sla.breach"],
        "within a poll interval of the clock passing them"
    );

    stop.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(5), runner)
        .await
        .expect("the runner stops")
        .unwrap();
}

/// Fails every delivery until `heal` is set, counting attempts.
#[derive(Debug, Default)]
struct Down {
    attempts: std::sync::atomic::AtomicU32,
    heal: std::sync::atomic::AtomicBool,
}

impl tierline_jobs::Deliverer for Down {
    fn deliver<'a>(
        &'a self,
        _m: &'a tierline_store::OutboxMessage,
    ) -> Pin<Box<dyn Future<Output = Result<(), tierline_jobs::DeliveryError>> + Send + 'a>> {
        Box::pin(async move {
            self.attempts.fetch_add(1, Ordering::SeqCst);
            if self.heal.load(Ordering::SeqCst) {
                Ok(())
            } else {
                Err(tierline_jobs::DeliveryError(
                    "the channel is down".to_owned(),
                ))
            }
        })
    }
}

async fn outbox_deliveries_that_fail_are_retried_with_backoff(backend: Backend) {
    let app = TestApp::spawn(backend, ts("2026-11-16T09:00:00+02:00")).await;
    let (_, admin) = app.user("admin@desk.test", Role::Admin, None, &[]).await;
    let (_, c) = app
        .call(
            "POST",
            "/api/v1/customers",
            Some(&admin),
            Some(&json!({"name": "Acme"})),
        )
        .await;
    let id = c["id"].as_i64().unwrap();
    let terms = json!({"effective_from": "2026-01-01", "terms": {"calendar": {"tz": "Europe/Kyiv", "coverage": "base"}}});
    app.call(
        "POST",
        &format!("/api/v1/customers/{id}/contracts"),
        Some(&admin),
        Some(&terms),
    )
    .await;
    let (status, _) = app
        .call(
            "POST",
            "/api/v1/tickets",
            Some(&admin),
            Some(&json!({"customer_id": id, "subject": "Down", "class": 3})),
        )
        .await;
    assert_eq!(status, 201);

    let down = Arc::new(Down::default());
    let mut jobs = tierline_jobs::Supervisor::new(app.clock.clone());
    jobs.add_manual(Arc::new(tierline_jobs::SlaTimers::new(app.store.clone())));
    jobs.add_manual(Arc::new(
        tierline_jobs::OutboxDelivery::new(app.store.clone(), down.clone()).with_backoff(
            tierline_jobs::Backoff {
                base: Duration::from_secs(10),
                cap: Duration::from_secs(20),
            },
        ),
    ));
    let t = ts("2026-11-16T10:31:00+02:00");
    let after = |s: i64| t + jiff::SignedDuration::from_secs(s);
    jobs.run_due_once(t).await;
    assert_eq!(
        down.attempts.load(Ordering::SeqCst),
        2,
        "both fired messages tried in the round that fired them, both failed"
    );
    assert_eq!(app.store.pending_outbox(10).await.unwrap().len(), 2);
    jobs.run_due_once(after(5)).await;
    assert_eq!(down.attempts.load(Ordering::SeqCst), 2, "not before 10 s");
    jobs.run_due_once(after(10)).await;
    assert_eq!(
        down.attempts.load(Ordering::SeqCst),
        4,
        "the second attempt"
    );
    jobs.run_due_once(after(25)).await;
    assert_eq!(down.attempts.load(Ordering::SeqCst), 4, "then 20 s later");
    down.heal.store(true, Ordering::SeqCst);
    jobs.run_due_once(after(30)).await;
    assert_eq!(down.attempts.load(Ordering::SeqCst), 6);
    assert!(
        app.store.pending_outbox(10).await.unwrap().is_empty(),
        "delivered at the third attempt"
    );
    let st = jobs.status().task("outbox").unwrap();
    assert_eq!(
        st.total_failures, 0,
        "a failed delivery is the message's, not the task's"
    );
}

async fn metrics_and_readyz_report_each_task(backend: Backend) {
    let app = TestApp::spawn(backend, ts("2026-11-16T09:00:00+02:00")).await;
    app.jobs.run_due_once(app.clock.now()).await;
    let (status, body) = app.call("GET", "/metrics", None, None).await;
    assert_eq!(status, 200);
    let text = body.as_str().unwrap();
    for task in ["sla_timers", "outbox", "classifier_refresh", "live_feed"] {
        assert!(
            text.contains(&format!("tierline_job_runs_total{{task=\"{task}\"}}")),
            "{task} in {text}"
        );
        assert!(text.contains(&format!(
            "tierline_job_consecutive_failures{{task=\"{task}\"}} 0"
        )));
    }
    let (status, _) = app.call("GET", "/readyz", None, None).await;
    assert_eq!(status, 200);
}

fn main() {
    tierline_testkit::suite(&[
        (
            "the_runner_fires_what_falls_due_and_stops_on_request",
            (|b| {
                Box::pin(the_runner_fires_what_falls_due_and_stops_on_request(b))
                    as Pin<Box<dyn Future<Output = ()> + Send>>
            }) as Story,
        ),
        (
            "metrics_and_readyz_report_each_task",
            (|b| {
                Box::pin(metrics_and_readyz_report_each_task(b))
                    as Pin<Box<dyn Future<Output = ()> + Send>>
            }) as Story,
        ),
        (
            "outbox_deliveries_that_fail_are_retried_with_backoff",
            (|b| {
                Box::pin(outbox_deliveries_that_fail_are_retried_with_backoff(b))
                    as Pin<Box<dyn Future<Output = ()> + Send>>
            }) as Story,
        ),
    ]);
}

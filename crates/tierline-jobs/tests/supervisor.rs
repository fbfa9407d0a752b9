//! The supervisor with tasks of the test's own: due rounds at a test clock, backoff after a
//! failure or a panic, the health it reports, and stopping.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use tierline_jobs::{Backoff, RunFuture, Supervisor, Task, TaskError};
use tierline_store::Clock;

#[derive(Debug)]
struct Fixed(Mutex<Timestamp>);

impl Clock for Fixed {
    fn now(&self) -> Timestamp {
        *self.0.lock().unwrap()
    }
}

fn t0() -> Timestamp {
    "2026-11-16T09:00:00Z".parse().unwrap()
}

fn at(secs: i64) -> Timestamp {
    t0() + SignedDuration::from_secs(secs)
}

fn supervisor(backoff: Backoff) -> Supervisor {
    Supervisor::new(Arc::new(Fixed(Mutex::new(t0())))).with_backoff(backoff)
}

/// Fails (or panics) on the rounds listed, succeeds on the others, asking for the next in 10 s.
#[derive(Debug, Default)]
struct Flaky {
    rounds: AtomicU32,
    fail_on: Vec<u32>,
    panic_on: Vec<u32>,
    stopped: AtomicBool,
}

impl Task for Flaky {
    fn name(&self) -> &'static str {
        "flaky"
    }

    fn interval(&self) -> Duration {
        Duration::from_secs(10)
    }

    fn run_due(&self, _now: Timestamp) -> RunFuture<'_> {
        Box::pin(async move {
            let n = self.rounds.fetch_add(1, Ordering::SeqCst) + 1;
            if self.panic_on.contains(&n) {
                panic!("round {n} panics");
            }
            if self.fail_on.contains(&n) {
                return Err(TaskError(format!("round {n} fails")));
            }
            Ok(Duration::from_secs(10))
        })
    }

    fn stop(&self) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + '_>> {
        Box::pin(async move { self.stopped.store(true, Ordering::SeqCst) })
    }
}

#[tokio::test]
async fn run_due_once_runs_what_is_due_at_the_test_clock() {
    let mut s = supervisor(Backoff::default());
    let task = Arc::new(Flaky::default());
    s.add_manual(task.clone());
    assert_eq!(s.run_due_once(at(0)).await, 1, "a task never run is due");
    assert_eq!(s.run_due_once(at(5)).await, 0, "it asked for 10 s");
    assert_eq!(s.run_due_once(at(12)).await, 1);
    let st = s.status().task("flaky").unwrap();
    assert_eq!(st.runs, 2);
    assert_eq!(st.last_run, Some(at(12)));
    assert_eq!(st.last_success, Some(at(12)));
    assert_eq!(
        st.lag,
        Duration::from_secs(2),
        "due at 10 s, started at 12 s"
    );
    assert_eq!(st.next_due, Some(at(22)));
    assert!(s.status().problems(at(12)).is_empty());
}

#[tokio::test]
async fn a_failing_task_is_restarted_with_backoff_and_its_failures_counted() {
    let mut s = supervisor(Backoff {
        base: Duration::from_secs(1),
        cap: Duration::from_secs(4),
    });
    let task = Arc::new(Flaky {
        fail_on: vec![1, 2, 4],
        panic_on: vec![3],
        ..Flaky::default()
    });
    s.add_manual(task.clone());
    let status = s.status();

    assert_eq!(s.run_due_once(at(0)).await, 1);
    let st = status.task("flaky").unwrap();
    assert_eq!((st.consecutive_failures, st.total_failures), (1, 1));
    assert_eq!(st.last_error.as_deref(), Some("round 1 fails"));
    assert_eq!(st.last_success, None);
    assert_eq!(st.next_due, Some(at(1)), "retried after the base wait");

    assert_eq!(s.run_due_once(at(0)).await, 0, "not before its backoff");
    assert_eq!(s.run_due_once(at(1)).await, 1);
    assert_eq!(status.task("flaky").unwrap().next_due, Some(at(3)), "2 s");
    assert!(
        status.problems(at(1)).is_empty(),
        "two failures in a row are not yet a problem"
    );

    // A panic is a failed round like any other, and the supervisor lives on.
    assert_eq!(s.run_due_once(at(3)).await, 1);
    let st = status.task("flaky").unwrap();
    assert_eq!((st.consecutive_failures, st.total_failures), (3, 3));
    assert!(st.last_error.as_deref().unwrap().contains("panicked"));
    assert_eq!(st.next_due, Some(at(7)), "4 s");
    let problems = status.problems(at(3));
    assert_eq!(problems.len(), 1);
    assert!(problems[0].contains("flaky failed 3 times in a row"));

    assert_eq!(s.run_due_once(at(7)).await, 1);
    assert_eq!(
        status.task("flaky").unwrap().next_due,
        Some(at(11)),
        "capped at 4 s"
    );

    assert_eq!(s.run_due_once(at(11)).await, 1);
    let st = status.task("flaky").unwrap();
    assert_eq!((st.consecutive_failures, st.total_failures), (0, 4));
    assert_eq!(st.last_success, Some(at(11)));
    assert_eq!(st.last_error, None);
    assert_eq!(st.runs, 5);
    assert!(status.problems(at(11)).is_empty(), "ready again");
}

#[tokio::test]
async fn a_task_far_past_its_due_time_makes_the_node_not_ready() {
    let mut s = supervisor(Backoff::default());
    s.add_manual(Arc::new(Flaky::default()));
    s.run_due_once(at(0)).await;
    let status = s.status();
    assert!(status.problems(at(60)).is_empty(), "50 s late is tolerated");
    let problems = status.problems(at(200));
    assert_eq!(problems, ["task flaky is 190 s late"]);
}

#[tokio::test]
async fn started_tasks_are_retried_in_the_background_and_stopped_on_shutdown() {
    let mut s = supervisor(Backoff {
        base: Duration::from_millis(10),
        cap: Duration::from_millis(40),
    });
    let task = Arc::new(Flaky {
        fail_on: vec![1],
        panic_on: vec![2],
        ..Flaky::default()
    });
    s.add(task.clone());
    let s = Arc::new(s);
    let running = s.start();
    let status = s.status();
    for _ in 0..200 {
        if status.task("flaky").unwrap().last_success.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let st = status.task("flaky").unwrap();
    assert_eq!(st.runs, 3, "two failed rounds, then one that succeeded");
    assert_eq!((st.consecutive_failures, st.total_failures), (0, 2));
    tokio::time::timeout(Duration::from_secs(5), running.shutdown())
        .await
        .expect("stops at once, though the task asked for 10 s");
    assert!(task.stopped.load(Ordering::SeqCst), "its stop ran");
}

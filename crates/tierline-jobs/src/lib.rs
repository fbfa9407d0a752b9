//! Background work that runs beside the server: today, firing SLA timers at their instant.
//!
//! The runner sleeps until the next pending timer, but never longer than [`POLL`], so timers
//! another node (or another transaction) adds are picked up within that bound. Firing itself is
//! claimed row by row in the store, so any number of runners on one database fire each timer
//! once.

use std::sync::Arc;
use std::time::Duration;

use tierline_store::{Clock, Store};
use tokio::sync::watch;

/// The longest the runner sleeps without looking.
pub const POLL: Duration = Duration::from_secs(1);
/// Timers fired per round; a backlog is worked off in rounds without sleeping.
const BATCH: i64 = 500;

/// Fires SLA timers until `stop` turns true.
pub async fn run_timers(store: Store, clock: Arc<dyn Clock>, mut stop: watch::Receiver<bool>) {
    tracing::info!("SLA timer runner started");
    loop {
        if *stop.borrow() {
            break;
        }
        let wait = match round(&store, clock.as_ref()).await {
            Ok(wait) => wait,
            Err(e) => {
                tracing::error!(error = %e, "SLA timers: round failed; retrying");
                POLL
            }
        };
        if wait.is_zero() {
            continue;
        }
        tokio::select! {
            () = tokio::time::sleep(wait) => {},
            _ = stop.changed() => {},
        }
    }
    tracing::info!("SLA timer runner stopped");
}

/// Fires what is due and says how long to sleep.
async fn round(store: &Store, clock: &dyn Clock) -> Result<Duration, tierline_store::StoreError> {
    let now = clock.now();
    let fired = store.fire_due_timers(now, BATCH).await?;
    for f in &fired {
        metrics::counter!("tierline_sla_timers_fired_total", "kind" => f.kind.clone(), "clock" => f.clock.clone()).increment(1);
    }
    if i64::try_from(fired.len()).unwrap_or(i64::MAX) >= BATCH {
        return Ok(Duration::ZERO);
    }
    let next = store.next_timer_at().await?;
    Ok(match next {
        Some(at) => {
            let until = at.duration_since(clock.now());
            Duration::try_from(until)
                .unwrap_or(Duration::ZERO)
                .min(POLL)
        }
        None => POLL,
    })
}

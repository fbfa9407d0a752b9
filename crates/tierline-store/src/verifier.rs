//! Password checks on a few threads of their own.
//!
//! argon2 needs a 19 MiB work area per check. Allocated per check, on whichever thread ran it, the
//! allocator kept the freed areas, so a burst of sign-ins left the process hundreds of megabytes
//! larger for good. Here a fixed set of threads (one per permit) each reuse one area, so memory
//! stays at one area per thread whatever the burst, and the semaphore in front bounds the queue:
//! whoever cannot get a turn in time is told the server is busy instead of waiting in memory.

use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{Semaphore, oneshot};

use crate::secrets;

struct Job {
    password: String,
    hash: String,
    answer: oneshot::Sender<bool>,
}

/// Checks passwords, at most `permits` at once.
#[derive(Clone)]
pub(crate) struct Verifier {
    permits: Arc<Semaphore>,
    jobs: SyncSender<Job>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("free", &self.permits.available_permits())
            .finish()
    }
}

/// Why a check did not run.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum NotChecked {
    /// No turn within the wait.
    Busy,
}

impl Verifier {
    /// Starts `permits` threads; they end when the last `Verifier` clone is dropped.
    pub(crate) fn start(permits: usize) -> Verifier {
        let permits = permits.max(1);
        let (jobs, queue) = sync_channel::<Job>(permits);
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..permits {
            let queue = queue.clone();
            // A thread that cannot start leaves the others to do the work; with none at all every
            // check fails closed (a wrong password), never open.
            let _ = std::thread::Builder::new()
                .name(format!("tierline-argon2-{n}"))
                .spawn(move || work(&queue));
        }
        Verifier {
            permits: Arc::new(Semaphore::new(permits)),
            jobs,
        }
    }

    /// Whether `password` matches `hash`, waiting at most `wait` for a turn.
    pub(crate) async fn verify(
        &self,
        password: String,
        hash: String,
        wait: Duration,
    ) -> Result<bool, NotChecked> {
        let Ok(Ok(_permit)) = tokio::time::timeout(wait, self.permits.acquire()).await else {
            return Err(NotChecked::Busy);
        };
        let (answer, answered) = oneshot::channel();
        let job = Job {
            password,
            hash,
            answer,
        };
        // A permit per job in the queue or in a thread, and room in the queue for as many jobs
        // as there are permits: the queue is never full. (Failing closed if it ever were.)
        if self.jobs.try_send(job).is_err() {
            return Ok(false);
        }
        Ok(answered.await.unwrap_or(false))
    }
}

fn work(queue: &Mutex<Receiver<Job>>) {
    // One work area for every check this thread makes.
    let mut area = Vec::new();
    loop {
        let job = match queue.lock() {
            Ok(q) => q.recv(),
            Err(_) => return,
        };
        let Ok(job) = job else { return };
        let ok = secrets::verify_password_in(&job.password, &job.hash, &mut area);
        let _ = job.answer.send(ok);
    }
}

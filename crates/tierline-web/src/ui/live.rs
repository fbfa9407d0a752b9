//! Live pages: a follower (a background task) reads the database's ticket change feed twice a
//! second while anyone is watching, and Server-Sent Events pass each change on to the pages
//! allowed to know of it.
//! Reading the shared database (not the process's own changes) shows every node's changes.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::Stream;
use tierline_desk::{Desk, Role, TicketChange};
use tokio::sync::broadcast;

use super::ctx::Ctx;
use crate::AppState;
use crate::error::PageError;

/// The channel of changes; cheap to clone.
#[derive(Debug, Clone)]
pub struct Live {
    tx: broadcast::Sender<TicketChange>,
}

impl Default for Live {
    fn default() -> Live {
        Live {
            tx: broadcast::channel(1024).0,
        }
    }
}

/// How often the live-feed task reads the change feed.
pub const LIVE_POLL: Duration = Duration::from_millis(500);

/// Follows the change feed one read at a time: the state of the live-feed background task,
/// which calls [`LiveFollower::poll_once`] every [`LIVE_POLL`].
#[derive(Debug)]
pub struct LiveFollower {
    live: Live,
    desk: Desk,
    cursor: tokio::sync::Mutex<Cursor>,
}

/// The newest id passed on, and the ids passed on near it. On PostgreSQL an id is taken when
/// its transaction starts, so a lower one can commit after a higher one was read: each read
/// looks back a little and skips what it already sent.
#[derive(Debug, Default)]
struct Cursor {
    newest: Option<i64>,
    sent: std::collections::BTreeSet<i64>,
}

impl LiveFollower {
    /// A follower passing the desk's changes on to `live`'s pages.
    pub fn new(live: Live, desk: Desk) -> LiveFollower {
        LiveFollower {
            live,
            desk,
            cursor: tokio::sync::Mutex::default(),
        }
    }

    /// One read of the feed: passes on what committed since the last read, if anyone watches.
    pub async fn poll_once(&self) -> Result<(), tierline_desk::DeskError> {
        let mut cur = self.cursor.lock().await;
        if self.live.tx.receiver_count() == 0 {
            // Nobody is watching: start from the newest change when someone does.
            *cur = Cursor::default();
            return Ok(());
        }
        let Some(after) = cur.newest else {
            // What was committed before anyone watched is not news: the page that subscribed
            // was rendered after it.
            let (newest, already) = start(&self.desk).await?;
            *cur = Cursor {
                newest: Some(newest),
                sent: already,
            };
            return Ok(());
        };
        let changes = self.desk.changes_since(after - LOOK_BACK, 500).await?;
        for c in changes {
            if c.event_id <= after - LOOK_BACK || !cur.sent.insert(c.event_id) {
                continue;
            }
            cur.newest = Some(cur.newest.map_or(c.event_id, |k| k.max(c.event_id)));
            // Nobody listening between the check and now is not an error.
            let _ = self.live.tx.send(c);
        }
        if let Some(c) = cur.newest {
            cur.sent = cur.sent.split_off(&(c - LOOK_BACK));
        }
        Ok(())
    }
}

/// How many timeline ids behind the newest each read looks again.
const LOOK_BACK: i64 = 200;

/// Where a follower starts: the newest id, and the ids of the look-back window already
/// committed, so the first read passes on only what commits from now on.
async fn start(
    desk: &Desk,
) -> Result<(i64, std::collections::BTreeSet<i64>), tierline_desk::DeskError> {
    let newest = desk.last_event_id().await?;
    let already = desk
        .changes_since(newest - LOOK_BACK, 500)
        .await?
        .into_iter()
        .map(|c| c.event_id)
        .filter(|&id| id <= newest)
        .collect();
    Ok((newest, already))
}

#[derive(Debug, serde::Deserialize)]
pub struct EventsQuery {
    /// Only this ticket's changes (a ticket's own page).
    ticket: Option<i64>,
}

/// `GET /ui/events[?ticket=ID]`: the changes of tickets the viewer may see (or of one of them), as
/// `ticket` events whose data is the ticket's id and line.
pub async fn events(
    State(s): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<EventsQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, PageError> {
    let viewer = ctx.viewer()?.clone();
    let rx = s.live.tx.subscribe();
    let stream = futures_util::stream::unfold(rx, move |mut rx| {
        let viewer = viewer.clone();
        let q = EventsQuery { ticket: q.ticket };
        async move {
            loop {
                match rx.recv().await {
                    Ok(c) => {
                        let visible = match viewer.role {
                            Role::Admin | Role::Agent => true,
                            Role::Customer => c.public && viewer.customer_id == Some(c.customer_id),
                            Role::Vendor => false,
                        } && q.ticket.is_none_or(|t| t == c.ticket_id.0);
                        if visible {
                            let data =
                                format!("{{\"id\":{},\"line\":{}}}", c.ticket_id, c.line.number());
                            return Some((Ok(Event::default().event("ticket").data(data)), rx));
                        }
                    }
                    // A slow page missed some: tell it to refresh all the same.
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        return Some((Ok(Event::default().event("ticket").data("{}")), rx));
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                }
            }
        }
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

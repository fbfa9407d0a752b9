//! What pages show of tickets and clocks, formatted for the viewer: times in their zone (the
//! contract's zone on hover), durations in words of their language, states as CSS classes.

use std::collections::HashMap;

use jiff::SignedDuration;
use tierline_desk::Ticket;
use tierline_domain::sla::{ClockKind, ClockState};
use tierline_domain::ticket::{Status, TicketClock};

use super::ctx::Ctx;
use super::i18n::Tr;

/// One clock as shown.
#[derive(Debug, Clone)]
pub struct ClockView {
    /// Translated name.
    pub name: String,
    /// `ok`, `warning`, `breached`, `paused` or `met`: the CSS class and the countdown's state.
    pub state: &'static str,
    /// Translated state.
    pub state_text: String,
    /// Due, in the viewer's zone.
    pub due: String,
    /// Due, in the contract's zone (for the hover).
    pub due_contract: String,
    /// RFC 3339 instants the countdown script works from; empty when there is none.
    pub due_iso: String,
    /// See `due_iso`.
    pub warn_iso: String,
    /// Remaining covered time, in words.
    pub remaining: String,
    /// How it was computed, in one line.
    pub explain: String,
}

/// A duration in days, hours and minutes of the viewer's language.
pub fn duration(tr: &Tr, d: SignedDuration) -> String {
    let mins = d.as_secs().unsigned_abs() / 60;
    let (days, hours, minutes) = (mins / 1440, (mins / 60) % 24, mins % 60);
    let mut parts = Vec::new();
    if days > 0 {
        parts.push(tr.t1("unit-d", "n", days));
    }
    if hours > 0 {
        parts.push(tr.t1("unit-h", "n", hours));
    }
    if minutes > 0 || parts.is_empty() {
        parts.push(tr.t1("unit-min", "n", minutes));
    }
    let text = parts.join(" ");
    if d.is_negative() {
        format!("−{text}")
    } else {
        text
    }
}

fn kind_key(k: ClockKind) -> &'static str {
    match k {
        ClockKind::Reaction => "clock-reaction",
        ClockKind::Resolution => "clock-resolution",
        ClockKind::WorkStart => "clock-work-start",
    }
}

/// A clock, for a ticket under a contract in `contract_tz`.
pub fn clock(ctx: &Ctx, c: &TicketClock, contract_tz: &jiff::tz::TimeZone) -> ClockView {
    let tr = &ctx.tr;
    let (state, key) = match c.snapshot.state {
        ClockState::Running => ("ok", "state-running"),
        ClockState::Warning => ("warning", "state-warning"),
        ClockState::Breached => ("breached", "state-breached"),
        ClockState::Paused => ("paused", "state-paused"),
        ClockState::Met => ("met", "state-met"),
    };
    let (due, due_contract, due_iso) = match c.snapshot.due {
        Some(d) => (
            ctx.when(d),
            format!(
                "{} ({})",
                d.to_zoned(contract_tz.clone()).strftime("%Y-%m-%d %H:%M"),
                contract_tz.iana_name().unwrap_or("UTC")
            ),
            d.to_string(),
        ),
        None => (String::new(), String::new(), String::new()),
    };
    // A stopped clock no longer counts down: the script leaves it alone.
    let live = c.stopped_at.is_none() && matches!(state, "ok" | "warning" | "breached");
    let explain = tr.t1("clock-explain", "target", duration(tr, c.target))
        + " "
        + &tr.t1("clock-counted", "elapsed", duration(tr, c.snapshot.elapsed));
    ClockView {
        name: tr.t(kind_key(c.kind)),
        state,
        state_text: tr.t(key),
        due,
        due_contract,
        due_iso: if live { due_iso } else { String::new() },
        warn_iso: match (live, c.snapshot.warning_at) {
            (true, Some(w)) => w.to_string(),
            _ => String::new(),
        },
        remaining: duration(tr, c.snapshot.remaining),
        explain,
    }
}

/// The clock a queue shows for a ticket: the running one due first, else the first.
pub fn nearest(clocks: &[TicketClock]) -> Option<&TicketClock> {
    clocks
        .iter()
        .filter(|c| c.stopped_at.is_none() && c.snapshot.due.is_some())
        .min_by_key(|c| c.snapshot.due)
        .or_else(|| clocks.iter().find(|c| c.stopped_at.is_none()))
}

/// The translation key of a status.
pub fn status_key(s: Status) -> &'static str {
    match s {
        Status::New => "status-new",
        Status::Open => "status-open",
        Status::WaitingForCustomer => "status-waiting_for_customer",
        Status::WaitingForVendor => "status-waiting_for_vendor",
        Status::Resolved => "status-resolved",
        Status::Closed => "status-closed",
    }
}

/// A row of a ticket list.
#[derive(Debug, Clone)]
pub struct Row {
    /// Id.
    pub id: i64,
    /// Subject.
    pub subject: String,
    /// Organisation.
    pub customer: String,
    /// Class 1–6.
    pub class: u8,
    /// Line 1–4.
    pub line: u8,
    /// Translated status.
    pub status: String,
    /// Status code, for CSS.
    pub status_code: &'static str,
    /// Assignee's name, or empty.
    pub assignee: String,
    /// Waiting for line 1 to qualify it.
    pub needs_qualification: bool,
    /// Opened, in the viewer's zone.
    pub opened: String,
    /// The nearest clock.
    pub clock: Option<ClockView>,
}

/// Rows for tickets with their clocks (as [`tierline_desk::Store::clocks_of`] gives them) and
/// their contracts' zones.
pub fn rows(
    ctx: &Ctx,
    tickets: &[Ticket],
    clocks: &[Vec<TicketClock>],
    zones: &[jiff::tz::TimeZone],
    customers: &HashMap<i64, String>,
    users: &HashMap<i64, String>,
) -> Vec<Row> {
    tickets
        .iter()
        .enumerate()
        .map(|(i, t)| Row {
            id: t.id.0,
            subject: t.subject.clone(),
            customer: customers
                .get(&t.customer_id.0)
                .cloned()
                .unwrap_or_else(|| format!("#{}", t.customer_id)),
            class: t.class.number(),
            line: t.line.number(),
            status: ctx.t(status_key(t.status)),
            status_code: t.status.as_str(),
            assignee: t
                .assignee_id
                .and_then(|a| users.get(&a.0).cloned())
                .unwrap_or_default(),
            needs_qualification: t.needs_qualification,
            opened: ctx.when(t.opened_at),
            clock: clocks
                .get(i)
                .and_then(|c| nearest(c))
                .map(|c| clock(ctx, c, zones.get(i).unwrap_or(&jiff::tz::TimeZone::UTC))),
        })
        .collect()
}

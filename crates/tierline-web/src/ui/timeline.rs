//! A ticket's timeline as a page shows it: who did what when, in the viewer's words.

use std::collections::HashMap;

use serde_json::Value;
use tierline_desk::TicketEvent;
use tierline_domain::ticket::Status;

use super::ctx::Ctx;
use super::view::status_key;

/// One entry as shown.
#[derive(Debug, Clone)]
pub struct EventView {
    /// When, in the viewer's zone.
    pub at: String,
    /// RFC 3339.
    pub at_iso: String,
    /// Who.
    pub actor: String,
    /// What kind, translated.
    pub title: String,
    /// The kind, for CSS.
    pub kind: String,
    /// A reply's or note's text.
    pub body: String,
    /// A change's description.
    pub detail: String,
    /// Whether the customer sees it.
    pub public: bool,
    /// An attachment's id.
    pub attachment: Option<i64>,
}

fn text(v: &Value, key: &str) -> String {
    match &v[key] {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn status_name(ctx: &Ctx, v: &Value) -> String {
    v.as_str()
        .and_then(Status::parse)
        .map_or_else(|| text(&Value::Null, ""), |s| ctx.t(status_key(s)))
}

fn with_reason(detail: String, data: &Value) -> String {
    match data["reason"].as_str().filter(|r| !r.is_empty()) {
        Some(r) => format!("{detail} — {r}"),
        None => detail,
    }
}

/// The entries, oldest first.
pub fn events(ctx: &Ctx, events: &[TicketEvent], users: &HashMap<i64, String>) -> Vec<EventView> {
    events
        .iter()
        .map(|e| {
            let d = &e.data;
            let (body, detail) = match e.kind.as_str() {
                "reply" | "note" | "vendor_note" => (text(d, "body"), String::new()),
                "status" => (
                    String::new(),
                    with_reason(
                        format!(
                            "{} → {}",
                            status_name(ctx, &d["from"]),
                            status_name(ctx, &d["to"])
                        ),
                        d,
                    ),
                ),
                "class" | "line" => (
                    String::new(),
                    with_reason(format!("{} → {}", text(d, "from"), text(d, "to")), d),
                ),
                "assignee" => (
                    String::new(),
                    d["to"]
                        .as_i64()
                        .and_then(|u| users.get(&u).cloned())
                        .unwrap_or_else(|| ctx.t("nobody")),
                ),
                "created" => (
                    String::new(),
                    ctx.t1("event-created-detail", "class", text(d, "class")),
                ),
                "attachment" => (String::new(), text(d, "file_name")),
                "time" => (
                    String::new(),
                    format!(
                        "{} — {}",
                        super::view::duration(
                            &ctx.tr,
                            jiff::SignedDuration::from_mins(d["minutes"].as_i64().unwrap_or(0))
                        ),
                        text(d, "note")
                    ),
                ),
                "sla_warning" | "sla_breach" => (
                    String::new(),
                    match d["clock"].as_str() {
                        Some("reaction") => ctx.t("clock-reaction"),
                        Some("resolution") => ctx.t("clock-resolution"),
                        Some("work_start") => ctx.t("clock-work-start"),
                        _ => String::new(),
                    },
                ),
                "vendor" | "vendor_unshared" => (String::new(), text(d, "vendor")),
                "monitor.down" => (
                    String::new(),
                    format!(
                        "{} — {}",
                        text(d, "monitor"),
                        super::monitors::result_text(&ctx.tr, &text(d, "reason"))
                    ),
                ),
                _ => (String::new(), String::new()),
            };
            EventView {
                at: ctx.when(e.at),
                at_iso: e.at.to_string(),
                // People a viewer may not know by name (agents, for a customer) are "Support".
                actor: e.actor_id.map_or_else(String::new, |a| {
                    users
                        .get(&a.0)
                        .cloned()
                        .unwrap_or_else(|| ctx.t("support-team"))
                }),
                title: ctx.t(&format!("event-{}", e.kind.replace('_', "-"))),
                kind: e.kind.clone(),
                body,
                detail,
                public: e.public,
                attachment: d["attachment_id"].as_i64(),
            }
        })
        .collect()
}

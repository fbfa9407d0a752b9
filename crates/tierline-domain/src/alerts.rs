//! Alerts from the customer's own monitoring: Prometheus Alertmanager, Grafana and Zabbix
//! webhook payloads, read into one shape.
//!
//! One file on purpose: about 320 lines of code, the rest its tests over sample payloads of the
//! three senders, kept beside the readers they check.
//!
//! Alertmanager (payload version 4) and Grafana's webhook contact point send the same alert
//! objects (`status`, `labels`, `annotations`, `startsAt`, `endsAt`, `fingerprint`); Zabbix has
//! no fixed payload, so tierline documents one for its webhook media type (`docs/MONITORING.md`).
//! Parsing is lenient about fields we do not use and strict about the ones we do.
//!
//! # Limits
//!
//! A payload comes from outside and each alert in it may open or add to an incident, so besides
//! the API's body limit (1 MiB) a payload is refused, whole and with a message naming the limit,
//! when it has more than [`MAX_ALERTS`] alerts (Alertmanager's `max_alerts` in the webhook's
//! configuration keeps a group under it), an alert more than [`MAX_PAIRS`] labels or
//! annotations, a name over [`MAX_NAME_BYTES`], a label value over [`MAX_LABEL_BYTES`], an
//! annotation (or Zabbix's message) over [`MAX_TEXT_BYTES`], or a fingerprint (Zabbix's event
//! id, or the labels that stand in for a missing fingerprint) over [`MAX_FINGERPRINT_BYTES`]:
//! the fingerprint is a key of the alerts' table, and PostgreSQL refuses an index entry of more
//! than about 2.7 KB with a server error. A title, which becomes a ticket's subject, is cut to
//! [`MAX_TITLE_CHARS`]; the whole text stays in the detail and the labels.
//!
//! JSON nesting cannot overflow the stack: what is read into a value stops at `serde_json`'s
//! recursion limit (128 levels; its `unbounded_depth` feature is off, which a test checks),
//! the payloads' own fields stop at their types, and fields we ignore are skipped by a loop
//! that keeps a byte per level (bounded by the body limit), not by recursion.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::Deserialize;

use crate::Class;

/// One alert, whatever sent it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Alert {
    /// What identifies it across repeats (the sender's fingerprint or event id).
    pub fingerprint: String,
    /// Firing (true) or resolved.
    pub firing: bool,
    /// A one-line summary.
    pub title: String,
    /// The longer text, when given.
    pub detail: String,
    /// When it started, when the sender says.
    pub starts_at: Option<Timestamp>,
    /// When it ended, for a resolved alert.
    pub ends_at: Option<Timestamp>,
    /// The system it concerns, by its name in tierline (`tierline_system` label / `system`).
    pub system: Option<String>,
    /// The incident class it asks for (`tierline_class`); class 2 (server level) when absent.
    pub class: Option<Class>,
    /// Its labels, for the ticket's record.
    pub labels: BTreeMap<String, String>,
}

/// The most alerts one payload may carry.
pub const MAX_ALERTS: usize = 500;
/// The most labels, and the most annotations, one alert may have.
pub const MAX_PAIRS: usize = 64;
/// The longest label or annotation name, in bytes.
pub const MAX_NAME_BYTES: usize = 256;
/// The longest label value (and Zabbix's host, trigger, severity, system, class), in bytes.
pub const MAX_LABEL_BYTES: usize = 1024;
/// The longest annotation value (and Zabbix's message), in bytes.
pub const MAX_TEXT_BYTES: usize = 16 * 1024;
/// The longest fingerprint, in bytes: given, an event id, or made of the labels.
pub const MAX_FINGERPRINT_BYTES: usize = 512;
/// The longest title, in characters (cut, not refused: it is made here from several fields).
pub const MAX_TITLE_CHARS: usize = 200;

/// A payload that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct AlertError(pub String);

#[derive(Deserialize)]
struct AmPayload {
    #[serde(default)]
    version: Option<String>,
    alerts: Vec<AmAlert>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AmAlert {
    status: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
    #[serde(default)]
    annotations: BTreeMap<String, String>,
    #[serde(default)]
    starts_at: Option<String>,
    #[serde(default)]
    ends_at: Option<String>,
    #[serde(default)]
    fingerprint: Option<String>,
}

/// Reads an Alertmanager webhook (payload version 4) or a Grafana webhook contact point's body.
pub fn alertmanager(body: &[u8]) -> Result<Vec<Alert>, AlertError> {
    let p: AmPayload = serde_json::from_slice(body)
        .map_err(|e| AlertError(format!("not an alert payload: {e}")))?;
    if let Some(v) = &p.version
        && v != "4"
        && v != "1"
    {
        return Err(AlertError(format!("unsupported payload version {v:?}")));
    }
    if p.alerts.len() > MAX_ALERTS {
        return Err(AlertError(format!(
            "{} alerts in one payload; at most {MAX_ALERTS} are accepted \
             (set max_alerts in the sender's webhook configuration)",
            p.alerts.len()
        )));
    }
    p.alerts
        .into_iter()
        .enumerate()
        .map(|(i, a)| {
            bounded_alert(&a)
                .and_then(|()| am_alert(a))
                .map_err(|e| AlertError(format!("alert {}: {}", i + 1, e.0)))
        })
        .collect()
}

/// Whether `s`, the field `what`, is at most `max` bytes.
fn bounded(what: &str, s: &str, max: usize) -> Result<(), AlertError> {
    if s.len() > max {
        return Err(AlertError(format!(
            "{what} is longer than {max} bytes, the most accepted"
        )));
    }
    Ok(())
}

fn bounded_pairs(
    what: &str,
    pairs: &BTreeMap<String, String>,
    max_value: usize,
) -> Result<(), AlertError> {
    if pairs.len() > MAX_PAIRS {
        return Err(AlertError(format!(
            "{} {what}; at most {MAX_PAIRS} are accepted",
            pairs.len()
        )));
    }
    for (k, v) in pairs {
        bounded(&format!("a name of its {what}"), k, MAX_NAME_BYTES)?;
        bounded(&format!("its {what} value {}", excerpt(k)), v, max_value)?;
    }
    Ok(())
}

/// The start of a name for a message.
fn excerpt(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((end, _)) => format!("{:?}…", &s[..end]),
        None => format!("{s:?}"),
    }
}

fn bounded_alert(a: &AmAlert) -> Result<(), AlertError> {
    bounded_pairs("labels", &a.labels, MAX_LABEL_BYTES)?;
    bounded_pairs("annotations", &a.annotations, MAX_TEXT_BYTES)?;
    if let Some(f) = &a.fingerprint {
        bounded("its fingerprint", f, MAX_FINGERPRINT_BYTES)?;
    }
    for t in [&a.starts_at, &a.ends_at].into_iter().flatten() {
        bounded("a time", t, 64)?;
    }
    Ok(())
}

/// `s` cut to [`MAX_TITLE_CHARS`], marked where cut.
fn title_of(s: String) -> String {
    if s.chars().count() <= MAX_TITLE_CHARS {
        return s;
    }
    let cut: String = s.chars().take(MAX_TITLE_CHARS - 1).collect();
    format!("{cut}…")
}

fn am_alert(a: AmAlert) -> Result<Alert, AlertError> {
    let firing = match a.status.as_str() {
        "firing" => true,
        "resolved" => false,
        other => return Err(AlertError(format!("unknown alert status {other:?}"))),
    };
    let fingerprint = match a.fingerprint.filter(|f| !f.is_empty()) {
        Some(f) => f,
        // Without a fingerprint the labels identify the alert, as Alertmanager itself does.
        None => a
            .labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(","),
    };
    if fingerprint.len() > MAX_FINGERPRINT_BYTES {
        return Err(AlertError(format!(
            "without a fingerprint an alert is known by its labels, here longer than \
             {MAX_FINGERPRINT_BYTES} bytes together; send a fingerprint"
        )));
    }
    let name = a.labels.get("alertname").cloned().unwrap_or_default();
    let summary = a
        .annotations
        .get("summary")
        .or_else(|| a.annotations.get("title"))
        .cloned()
        .unwrap_or_default();
    let title = match (name.is_empty(), summary.is_empty()) {
        (false, false) => format!("{name}: {summary}"),
        (false, true) => name,
        (true, false) => summary,
        (true, true) => "alert".to_owned(),
    };
    let detail = a
        .annotations
        .get("description")
        .or_else(|| a.annotations.get("message"))
        .cloned()
        .unwrap_or_default();
    Ok(Alert {
        fingerprint,
        firing,
        title: title_of(title),
        detail,
        starts_at: instant(a.starts_at.as_deref()),
        ends_at: if firing {
            None
        } else {
            instant(a.ends_at.as_deref())
        },
        system: a.labels.get("tierline_system").cloned(),
        class: class(a.labels.get("tierline_class").map(String::as_str)),
        labels: a.labels,
    })
}

/// An RFC 3339 instant; Alertmanager's zero time (`0001-01-01T00:00:00Z`) means none.
fn instant(s: Option<&str>) -> Option<Timestamp> {
    let t: Timestamp = s?.parse().ok()?;
    (t.as_second() > 0).then_some(t)
}

fn class(s: Option<&str>) -> Option<Class> {
    s.and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|n| Class::try_from(n).ok())
}

/// tierline's payload for Zabbix's webhook media type (see `docs/MONITORING.md`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ZabbixPayload {
    event_id: String,
    status: String,
    #[serde(default)]
    host: String,
    trigger: String,
    #[serde(default)]
    severity: String,
    #[serde(default)]
    message: String,
    #[serde(default)]
    at: Option<String>,
    #[serde(default)]
    system: Option<String>,
    #[serde(default)]
    class: Option<String>,
}

/// Reads tierline's Zabbix webhook payload.
pub fn zabbix(body: &[u8]) -> Result<Vec<Alert>, AlertError> {
    let p: ZabbixPayload = serde_json::from_slice(body)
        .map_err(|e| AlertError(format!("not a Zabbix payload: {e}")))?;
    if p.event_id.trim().is_empty() {
        return Err(AlertError("event_id must not be empty".to_owned()));
    }
    bounded("event_id", &p.event_id, MAX_FINGERPRINT_BYTES)?;
    for (what, v) in [
        ("status", Some(&p.status)),
        ("host", Some(&p.host)),
        ("trigger", Some(&p.trigger)),
        ("severity", Some(&p.severity)),
        ("at", p.at.as_ref()),
        ("system", p.system.as_ref()),
        ("class", p.class.as_ref()),
    ] {
        bounded(what, v.map_or("", String::as_str), MAX_LABEL_BYTES)?;
    }
    bounded("message", &p.message, MAX_TEXT_BYTES)?;
    // Zabbix says PROBLEM/RESOLVED in text, or {EVENT.VALUE} 1/0.
    let firing = match p.status.trim().to_ascii_uppercase().as_str() {
        "PROBLEM" | "1" => true,
        "RESOLVED" | "OK" | "0" => false,
        other => return Err(AlertError(format!("unknown Zabbix status {other:?}"))),
    };
    let at = instant(p.at.as_deref());
    let mut labels = BTreeMap::new();
    labels.insert("host".to_owned(), p.host.clone());
    labels.insert("severity".to_owned(), p.severity);
    let title = if p.host.is_empty() {
        p.trigger
    } else {
        format!("{}: {}", p.host, p.trigger)
    };
    Ok(vec![Alert {
        fingerprint: p.event_id.trim().to_owned(),
        firing,
        title: title_of(title),
        detail: p.message,
        starts_at: if firing { at } else { None },
        ends_at: if firing { None } else { at },
        system: p.system.filter(|s| !s.is_empty()),
        class: class(p.class.as_deref()),
        labels,
    }])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alertmanager_v4_firing_and_resolved() {
        let body = br#"{"version":"4","status":"firing","groupKey":"{}:{alertname=\"HighCPU\"}",
          "receiver":"tierline","groupLabels":{},"commonLabels":{},"commonAnnotations":{},"externalURL":"",
          "alerts":[{"status":"firing","labels":{"alertname":"HighCPU","tierline_system":"Shop","tierline_class":"2"},
          "annotations":{"summary":"CPU over 90%"},"startsAt":"2026-11-20T10:00:00Z","endsAt":"0001-01-01T00:00:00Z",
          "generatorURL":"","fingerprint":"abc"},
          {"status":"resolved","labels":{"alertname":"Disk"},"annotations":{},"startsAt":"2026-11-20T09:00:00Z",
          "endsAt":"2026-11-20T09:30:00Z","fingerprint":"def"}]}"#;
        let a = alertmanager(body).unwrap();
        assert_eq!(a[0].title, "HighCPU: CPU over 90%");
        assert!(a[0].firing && a[0].ends_at.is_none());
        assert_eq!(a[0].system.as_deref(), Some("Shop"));
        assert_eq!(a[0].class.map(Class::number), Some(2));
        assert!(!a[1].firing);
        assert_eq!(a[1].ends_at, Some("2026-11-20T09:30:00Z".parse().unwrap()));
    }

    #[test]
    fn zabbix_problem_and_recovery() {
        let a = zabbix(br#"{"event_id":"42","status":"PROBLEM","host":"db1","trigger":"Disk full","severity":"High"}"#).unwrap();
        assert!(a[0].firing);
        assert_eq!(a[0].title, "db1: Disk full");
        let r = zabbix(br#"{"event_id":"42","status":"0","host":"db1","trigger":"Disk full"}"#)
            .unwrap();
        assert!(!r[0].firing);
        assert!(zabbix(br#"{"event_id":"42","status":"MAYBE","trigger":"x"}"#).is_err());
    }

    fn payload(alerts: &[serde_json::Value]) -> Vec<u8> {
        serde_json::to_vec(&serde_json::json!({"version": "4", "alerts": alerts})).unwrap()
    }

    #[allow(
        clippy::needless_pass_by_value,
        reason = "test builder: callers write json! literals inline"
    )]
    fn firing(labels: serde_json::Value, annotations: serde_json::Value) -> serde_json::Value {
        serde_json::json!({"status": "firing", "labels": labels, "annotations": annotations,
                           "fingerprint": "abc"})
    }

    #[test]
    fn a_payload_is_bounded_in_alerts_pairs_and_lengths() {
        let one = firing(
            serde_json::json!({"alertname": "Disk"}),
            serde_json::json!({}),
        );
        assert_eq!(
            alertmanager(&payload(&vec![one.clone(); MAX_ALERTS]))
                .unwrap()
                .len(),
            MAX_ALERTS
        );
        let err = alertmanager(&payload(&vec![one; MAX_ALERTS + 1])).unwrap_err();
        assert!(err.0.contains("at most 500"), "{err}");

        let many: serde_json::Map<String, serde_json::Value> = (0..=MAX_PAIRS)
            .map(|i| (format!("l{i}"), serde_json::json!("v")))
            .collect();
        let long = |n: usize| "x".repeat(n);
        let cases = [
            (
                firing(
                    serde_json::Value::Object(many.clone()),
                    serde_json::json!({}),
                ),
                "at most 64",
            ),
            (
                firing(serde_json::json!({}), serde_json::Value::Object(many)),
                "at most 64",
            ),
            (
                firing(
                    serde_json::json!({long(MAX_NAME_BYTES + 1): "v"}),
                    serde_json::json!({}),
                ),
                "256 bytes",
            ),
            (
                firing(
                    serde_json::json!({"job": long(MAX_LABEL_BYTES + 1)}),
                    serde_json::json!({}),
                ),
                "1024 bytes",
            ),
            (
                firing(
                    serde_json::json!({}),
                    serde_json::json!({"description": long(MAX_TEXT_BYTES + 1)}),
                ),
                "16384 bytes",
            ),
            (
                serde_json::json!({"status": "firing", "fingerprint": long(MAX_FINGERPRINT_BYTES + 1)}),
                "512 bytes",
            ),
            (
                // No fingerprint: the labels stand in for it, and they are too long for a key.
                serde_json::json!({"status": "firing", "labels": {"a": long(300), "b": long(300)}}),
                "send a fingerprint",
            ),
        ];
        for (alert, needle) in cases {
            let ok = firing(
                serde_json::json!({"alertname": "Fine"}),
                serde_json::json!({}),
            );
            let err = alertmanager(&payload(&[ok, alert])).unwrap_err();
            assert!(err.0.starts_with("alert 2: "), "{err}");
            assert!(err.0.contains(needle), "{needle}: {err}");
            assert!(err.0.len() < 300, "short: {err}");
        }
        // Just at the limits is fine.
        let fine = firing(
            serde_json::json!({"job": long(MAX_LABEL_BYTES), long(MAX_NAME_BYTES): "v"}),
            serde_json::json!({"description": long(MAX_TEXT_BYTES)}),
        );
        assert!(alertmanager(&payload(&[fine])).is_ok());
    }

    #[test]
    fn a_long_title_is_cut_to_fit_a_subject() {
        let a = alertmanager(&payload(&[firing(
            serde_json::json!({"alertname": "Disk"}),
            serde_json::json!({"summary": "é".repeat(1000)}),
        )]))
        .unwrap();
        assert_eq!(a[0].title.chars().count(), MAX_TITLE_CHARS);
        assert!(a[0].title.starts_with("Disk: éé") && a[0].title.ends_with('…'));
        let z = zabbix(
            format!(
                r#"{{"event_id":"1","status":"1","trigger":"{}"}}"#,
                "t".repeat(900)
            )
            .as_bytes(),
        )
        .unwrap();
        assert_eq!(z[0].title.chars().count(), MAX_TITLE_CHARS);
    }

    #[test]
    fn zabbix_fields_are_bounded() {
        let body = |field: &str, n: usize| {
            let mut v =
                serde_json::json!({"event_id": "42", "status": "PROBLEM", "trigger": "Disk full"});
            v[field] = serde_json::json!("x".repeat(n));
            serde_json::to_vec(&v).unwrap()
        };
        for (field, max) in [
            ("event_id", MAX_FINGERPRINT_BYTES),
            ("host", MAX_LABEL_BYTES),
            ("trigger", MAX_LABEL_BYTES),
            ("system", MAX_LABEL_BYTES),
            ("message", MAX_TEXT_BYTES),
        ] {
            assert!(zabbix(&body(field, max)).is_ok(), "{field}");
            let err = zabbix(&body(field, max + 1)).unwrap_err();
            assert!(
                err.0
                    .contains(&format!("{field} is longer than {max} bytes")),
                "{err}"
            );
        }
    }

    #[test]
    fn json_nesting_is_bounded_or_skipped_without_recursion() {
        for depth in [129, 100_000] {
            let deep = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
            // Read into a value, nesting stops at serde_json's recursion limit (128): this fails
            // if its `unbounded_depth` feature is ever turned on.
            let err = serde_json::from_str::<serde_json::Value>(&deep).unwrap_err();
            assert!(
                err.to_string().contains("recursion limit exceeded"),
                "{err}"
            );
            // Where a payload's own fields expect something else, their type stops it first.
            assert!(alertmanager(format!(r#"{{"alerts": {deep}}}"#).as_bytes()).is_err());
            let labels = format!(r#"{{"alerts": [{{"status": "firing", "labels": {deep}}}]}}"#);
            assert!(alertmanager(labels.as_bytes()).is_err());
            assert!(zabbix(format!(r#"{{"event_id": {deep}}}"#).as_bytes()).is_err());
            // Fields we ignore are skipped by a loop (a byte per level, within the body
            // limit), not by recursion: no stack overflow, however deep.
            let ignored =
                format!(r#"{{"alerts": [{{"status": "resolved", "x": {deep}}}], "y": {deep}}}"#);
            assert_eq!(alertmanager(ignored.as_bytes()).unwrap().len(), 1);
        }
    }
}

//! Alerts from the customer's own monitoring: Prometheus Alertmanager, Grafana and Zabbix
//! webhook payloads, read into one shape.
//!
//! Alertmanager (payload version 4) and Grafana's webhook contact point send the same alert
//! objects (`status`, `labels`, `annotations`, `startsAt`, `endsAt`, `fingerprint`); Zabbix has
//! no fixed payload, so tierline documents one for its webhook media type (`docs/MONITORING.md`).
//! Parsing is lenient about fields we do not use and strict about the ones we do.

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
    p.alerts.into_iter().map(am_alert).collect()
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
        title,
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
        title,
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
}

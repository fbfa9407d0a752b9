//! A system's monitors for administrators: what each checks, its health and last result, and
//! whether it may reach private addresses (the allowance only an administrator gives; see
//! `tierline_domain::reach` and docs/MONITORING.md).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tierline_desk::{Monitor, MonitorId, SystemId};
use tierline_domain::checks::CheckSpec;
use tierline_domain::monitor::Health;
use tierline_domain::reach::AddressClass;

use super::ctx::Ctx;
use super::form::PageForm;
use super::i18n::Tr;
use crate::AppState;
use crate::error::PageError;

/// A check's result in the viewer's words: a refused target is translated, other results
/// (the target's own answers and errors) are shown as they were recorded.
pub fn result_text(tr: &Tr, message: &str) -> String {
    match AddressClass::from_refusal(message) {
        Some(class) => tr.t1("monitor-target-refused", "class", class.code()),
        None => message.to_owned(),
    }
}

/// One monitor as listed.
#[derive(Debug, Clone)]
pub struct MonitorRow {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub target: String,
    pub health: &'static str,
    pub health_text: String,
    pub last_run: String,
    pub last_result: String,
    /// Whether it connects anywhere (heartbeats do not), so an allowance means something.
    pub reaches: bool,
    pub allow_private: bool,
}

fn row(ctx: &Ctx, m: &Monitor) -> MonitorRow {
    let target = match &m.check {
        CheckSpec::Http { method, url, .. } => format!("{method} {url}"),
        CheckSpec::Tcp { host, port } | CheckSpec::Tls { host, port, .. } => {
            format!("{host}:{port}")
        }
        CheckSpec::Heartbeat {
            period_secs, cron, ..
        } => cron
            .clone()
            .or_else(|| period_secs.map(|p| format!("{p} s")))
            .unwrap_or_default(),
    };
    let health = match m.health {
        Health::Up => "up",
        Health::Down => "down",
        Health::Unknown => "unknown",
    };
    MonitorRow {
        id: m.id.0,
        name: m.name.clone(),
        kind: m.check.kind(),
        target,
        health,
        health_text: ctx.t(&format!("monitor-health-{health}")),
        last_run: m.last_run_at.map(|t| ctx.when(t)).unwrap_or_default(),
        last_result: m
            .last_message
            .as_deref()
            .map(|msg| result_text(&ctx.tr, msg))
            .unwrap_or_default(),
        reaches: m.check.target().is_some(),
        allow_private: m.allow_private_targets,
    }
}

#[derive(Template)]
#[template(path = "admin_monitors.html")]
struct MonitorsPage {
    ctx: Ctx,
    customer_id: i64,
    system: String,
    system_id: i64,
    monitors: Vec<MonitorRow>,
}

/// `/admin/systems/{id}/monitors`.
pub async fn page(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let v = ctx.admin()?.clone();
    let system = s.desk.visible_system(&v, SystemId(id)).await?;
    let monitors = s.desk.monitors(&v, system.id).await?;
    let page = MonitorsPage {
        customer_id: system.customer_id.0,
        system: system.name,
        system_id: system.id.0,
        monitors: monitors.iter().map(|m| row(&ctx, m)).collect(),
        ctx,
    };
    page.ctx.page(page.render())
}

#[derive(Deserialize)]
pub struct AllowForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    /// The checkbox: present when ticked.
    allow_private_targets: Option<String>,
}

/// `POST /admin/monitors/{id}/private-targets`: gives or withdraws the allowance.
pub async fn set_private_targets(
    State(s): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    Path(id): Path<i64>,
    PageForm(f): PageForm<AllowForm>,
) -> Result<Response, PageError> {
    ctx.check(&headers, Some(&f.csrf))?;
    let v = ctx.admin()?;
    let m = s
        .desk
        .set_monitor_private_targets(
            v,
            MonitorId(id),
            f.allow_private_targets.is_some(),
            s.clock.now(),
        )
        .await?;
    Ok(Redirect::to(&format!("/admin/systems/{}/monitors", m.system_id.0)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::Lang;

    #[test]
    fn every_refusal_is_translated_in_every_language() {
        for lang in Lang::ALL {
            let tr = Tr(lang);
            let fallback = result_text(&tr, &AddressClass::Reserved.refusal());
            let mut seen = std::collections::HashSet::new();
            for class in AddressClass::ALL.into_iter().filter(|c| !c.is_public()) {
                let text = result_text(&tr, &class.refusal());
                assert_ne!(text, class.refusal(), "{lang:?} {class:?}");
                assert!(
                    class == AddressClass::Reserved || text != fallback,
                    "{lang:?} {class:?} falls back: {text}"
                );
                assert!(seen.insert(text), "{lang:?} {class:?}");
            }
        }
        assert_eq!(
            result_text(&Tr(Lang::En), &AddressClass::Private.refusal()),
            "Target address not allowed: private network"
        );
        assert_eq!(
            result_text(&Tr(Lang::Ru), "status 503"),
            "status 503",
            "the target's own answers are shown as recorded"
        );
    }
}

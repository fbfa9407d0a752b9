//! A customer's administration page: its systems and contracts (coverage with a preview of
//! the week, holidays typed or imported from .ics, the SLA table per class, versions by
//! effective date).

use askama::Template;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use jiff::civil::{Date, Weekday};
use serde::Deserialize;
use tierline_desk::DeskError;
use tierline_desk::{ContractVersion, Customer, CustomerId, System, User};
use tierline_domain::Class;
use tierline_domain::calendar::Coverage;
use tierline_domain::calendar::ics::{IcsError, IcsLimit, parse_holidays};
use tierline_domain::calendar::spec::CalendarSpec;
use tierline_domain::contract::ContractTerms;
use tierline_domain::sla::SlaPolicy;
use tierline_domain::ticket::Line;

use crate::error::PageError;
use crate::ui::ctx::Ctx;
use crate::ui::form::{Fields, PageForm, opt};
use crate::ui::i18n::Tr;
use crate::{ApiError, AppState};

/// One class's row of the SLA table on the contract form.
#[derive(Debug, Clone)]
pub struct SlaRow {
    pub class: u8,
    pub reaction: String,
    pub resolution: String,
    pub work_start: String,
}

fn sla_rows(policy: &SlaPolicy) -> Vec<SlaRow> {
    let text = |t| {
        serde_json::to_value(t)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    (1..=6)
        .filter_map(|n| Class::try_from(n).ok())
        .map(|c| {
            let t = policy.targets(c);
            SlaRow {
                class: c.number(),
                reaction: text(t.reaction),
                resolution: text(t.resolution),
                work_start: text(t.work_start),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "admin_customer.html")]
struct CustomerPage {
    ctx: Ctx,
    customer: Customer,
    systems: Vec<System>,
    contracts: Vec<ContractVersion>,
    users: Vec<User>,
    sla: Vec<SlaRow>,
    sla_stability: Vec<SlaRow>,
    presets: Vec<(&'static str, String)>,
    preview: Preview,
    today: String,
    error: Option<String>,
}

pub async fn customer(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    render_customer(&s, ctx, id, None).await
}

async fn render_customer(
    s: &AppState,
    ctx: Ctx,
    id: i64,
    error: Option<String>,
) -> Result<Response, PageError> {
    let v = ctx.admin()?.clone();
    let customer = s.desk.customer(&v, CustomerId(id)).await?;
    let users = s
        .desk
        .users(&v)
        .await?
        .into_iter()
        .filter(|u| u.customer_id == Some(customer.id))
        .collect();
    let page = CustomerPage {
        systems: s.desk.systems(&v, customer.id).await?,
        contracts: s.desk.contract_versions(&v, customer.id).await?,
        users,
        sla: sla_rows(&SlaPolicy::default_table()),
        sla_stability: sla_rows(&SlaPolicy::stability()),
        presets: presets(&ctx),
        preview: preview("base", &ctx),
        today: s.clock.now().to_zoned(ctx.tz.clone()).date().to_string(),
        customer,
        error,
        ctx,
    };
    let status = if page.error.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let mut r = page.ctx.page(page.render())?;
    *r.status_mut() = status;
    Ok(r)
}

#[derive(Deserialize)]
pub struct SystemForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    name: String,
    url: Option<String>,
    built_by_us: Option<String>,
}

pub async fn create_system(
    State(s): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    Path(id): Path<i64>,
    PageForm(f): PageForm<SystemForm>,
) -> Result<Response, PageError> {
    ctx.check(&headers, Some(&f.csrf))?;
    let v = ctx.admin()?;
    s.desk
        .create_system(
            v,
            CustomerId(id),
            &f.name,
            f.built_by_us.is_some(),
            opt(&f.url),
            s.clock.now(),
        )
        .await?;
    Ok(Redirect::to(&format!("/admin/customers/{id}")).into_response())
}

fn presets(ctx: &Ctx) -> Vec<(&'static str, String)> {
    [
        "base",
        "base+evening",
        "base+saturday",
        "base+weekends",
        "base+weekends-long",
        "base+evening+weekends-long",
        "24x7",
    ]
    .into_iter()
    .map(|p| {
        let price = p
            .parse::<Coverage>()
            .map(|c| c.extensions_price_usd())
            .unwrap_or_default();
        (
            p,
            format!(
                "{} (+{price} USD)",
                ctx.t(&format!("preset-{}", p.replace('+', "-")))
            ),
        )
    })
    .collect()
}

/// One covered interval of a day: its label, and where it starts and how wide it is, in
/// percent of the day.
type Span = (String, f64, f64);

/// A week of coverage as the preview shows it.
#[derive(Debug, Clone, Default)]
pub struct Preview {
    pub days: Vec<(String, Vec<Span>)>,
    pub error: Option<String>,
}

fn preview(coverage: &str, ctx: &Ctx) -> Preview {
    let c = match coverage.parse::<Coverage>() {
        Ok(c) => c,
        Err(e) => {
            return Preview {
                days: Vec::new(),
                error: Some(e.to_string()),
            };
        }
    };
    let week = c.week();
    let days = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ]
    .into_iter()
    .map(|d| {
        let name = ctx.t(&format!("day-{}", d.to_monday_one_offset()));
        let spans = week
            .merged(d)
            .into_iter()
            .map(|iv| {
                let s = iv.start().seconds();
                // 24:00 and night shifts run to the day's end in the preview.
                let e = if iv.is_night_shift() || iv.end().seconds() == 0 {
                    86_400
                } else {
                    iv.end().seconds()
                };
                let start = f64::from(s) / 864.0;
                let end = f64::from(e) / 864.0;
                (iv.to_string(), start, (end - start).max(0.5))
            })
            .collect();
        (name, spans)
    })
    .collect();
    Preview { days, error: None }
}

#[derive(Template)]
#[template(path = "coverage_preview.html")]
struct PreviewFragment {
    ctx: Ctx,
    preview: Preview,
}

#[derive(Deserialize)]
pub struct PreviewQuery {
    coverage: Option<String>,
}

pub async fn coverage_preview(
    ctx: Ctx,
    Query(q): Query<PreviewQuery>,
) -> Result<Response, PageError> {
    ctx.admin()?;
    let page = PreviewFragment {
        preview: preview(q.coverage.as_deref().unwrap_or("base"), &ctx),
        ctx,
    };
    page.ctx.page(page.render())
}

pub async fn create_contract(
    State(s): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    Path(id): Path<i64>,
    form: Multipart,
) -> Result<Response, PageError> {
    let fields = Fields::multipart(form, "ics").await?;
    ctx.check(&headers, fields.one("_csrf"))?;
    let ics = match fields.files.first() {
        Some(f) => String::from_utf8(f.bytes.to_vec())
            .map_err(|_| ApiError::field("ics", "is not UTF-8 text"))?,
        None => String::new(),
    };
    let v = ctx.admin()?.clone();
    match contract_terms(&fields, &ics, ctx.tr) {
        Ok((from, terms)) => {
            match s
                .desk
                .create_contract_version(&v, CustomerId(id), from, terms, s.clock.now())
                .await
            {
                Ok(_) => Ok(Redirect::to(&format!("/admin/customers/{id}")).into_response()),
                Err(DeskError::Store(tierline_desk::StoreError::Invalid { field, message })) => {
                    render_customer(&s, ctx, id, Some(format!("{field}: {message}"))).await
                }
                Err(e) => Err(e.into()),
            }
        }
        Err(message) => render_customer(&s, ctx, id, Some(message)).await,
    }
}

/// An .ics import's error for the administrator who sent the file: a limit it went over in
/// their language, with the limit's number; a wrong line as the parser words it.
fn ics_error(tr: Tr, e: &IcsError) -> String {
    let IcsError::Limit(limit) = e else {
        return format!("ics: {e}");
    };
    let max: &dyn std::fmt::Display = &limit.max();
    let line: &dyn std::fmt::Display = &limit.line().unwrap_or(1);
    match limit {
        IcsLimit::FileSize => tr.t_args("ics-too-large", &[("kib", &(limit.max() / 1024))]),
        IcsLimit::LineLength { .. } => {
            tr.t_args("ics-line-too-long", &[("line", line), ("max", max)])
        }
        IcsLimit::UnfoldedLength { .. } => {
            tr.t_args("ics-property-too-long", &[("line", line), ("max", max)])
        }
        IcsLimit::Nesting { .. } => tr.t_args("ics-too-deep", &[("line", line), ("max", max)]),
        IcsLimit::Events { .. } => {
            tr.t_args("ics-too-many-events", &[("line", line), ("max", max)])
        }
        IcsLimit::Dates { .. } => tr.t_args("ics-too-many-dates", &[("line", line), ("max", max)]),
    }
}

/// The contract form's fields as terms; an error names the field.
fn contract_terms(f: &Fields, ics: &str, tr: Tr) -> Result<(Date, ContractTerms), String> {
    let get = |k: &str| f.text(k).trim().to_owned();
    let from: Date = get("effective_from")
        .parse()
        .map_err(|_| "effective_from: must be a date, YYYY-MM-DD".to_owned())?;
    let mut holidays = Vec::new();
    for (n, line) in get("holidays").lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let d: Date = line
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .parse()
            .map_err(|_| format!("holidays: line {} is not a date, YYYY-MM-DD", n + 1))?;
        holidays.push(d);
    }
    if !ics.trim().is_empty() {
        let until = from
            .checked_add(jiff::Span::new().years(5))
            .map_err(|e| e.to_string())?;
        let import = parse_holidays(ics, until).map_err(|e| ics_error(tr, &e))?;
        holidays.extend(import.dates());
    }
    holidays.sort_unstable();
    holidays.dedup();
    let stability = f.has("stability");
    let mut sla = Vec::new();
    for n in 1..=6 {
        sla.push(serde_json::json!({
            "reaction": get(&format!("reaction_{n}")),
            "resolution": get(&format!("resolution_{n}")),
            "work_start": if n == 6 { get("work_start_6") } else { "not_in_sla".to_owned() },
        }));
    }
    let sla: SlaPolicy = serde_json::from_value(serde_json::Value::Array(sla)).map_err(|e| {
        format!("sla: {e}; write a target as 30m, 1h, 4h 30m, not_in_sla or individual")
    })?;
    let num = |k: &str| -> Result<u32, String> {
        let v = get(k);
        if v.is_empty() {
            return Ok(0);
        }
        v.parse()
            .map_err(|_| format!("{k}: must be a whole number"))
    };
    let lines = get("lines")
        .parse::<i64>()
        .ok()
        .and_then(|n| Line::try_from(n).ok())
        .ok_or_else(|| "lines: must be 1 to 4".to_owned())?;
    let terms = ContractTerms {
        calendar: CalendarSpec {
            tz: get("tz"),
            coverage: Some(get("coverage")),
            holidays,
            ..Default::default()
        },
        // The table as the form offers it is the default: left as it is, the contract follows
        // the default (or, with Stability, its variant) rather than a copy frozen here.
        sla: (sla != SlaPolicy::default_table()).then_some(sla),
        lines,
        stability,
        consultation_hours: num("consultation_hours")?,
        vendor_wait_pauses: f.has("vendor_wait_pauses"),
        warning_share: match get("warning_percent").as_str() {
            "" => 0.8,
            p => p
                .parse::<f64>()
                .map(|p| p / 100.0)
                .map_err(|_| "warning_percent: must be a number".to_owned())?,
        },
        base_price_usd: num("base_price_usd")?,
    };
    // Checked here so the form can say what is wrong before anything is stored.
    terms.clone().validate().map_err(|e| e.to_string())?;
    Ok((from, terms))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::Lang;

    const EN: Tr = Tr(Lang::En);

    fn form(rows: &[SlaRow], stability: bool) -> Fields {
        let mut f: Vec<(String, String)> = [
            ("effective_from", "2027-01-01"),
            ("tz", "Europe/Kyiv"),
            ("coverage", "base"),
            ("lines", "2"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        for r in rows {
            f.push((format!("reaction_{}", r.class), r.reaction.clone()));
            f.push((format!("resolution_{}", r.class), r.resolution.clone()));
            if r.class == 6 {
                f.push(("work_start_6".to_owned(), r.work_start.clone()));
            }
        }
        if stability {
            f.push(("stability".to_owned(), "on".to_owned()));
        }
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(f)
            .finish();
        Fields::urlencoded(&body).unwrap()
    }

    #[test]
    fn every_ics_limit_is_told_in_every_language_with_its_number() {
        let line = 4321;
        let limits = [
            IcsLimit::FileSize,
            IcsLimit::LineLength { line },
            IcsLimit::UnfoldedLength { line },
            IcsLimit::Nesting { line },
            IcsLimit::Events { line },
            IcsLimit::Dates { line },
        ];
        for lang in Lang::ALL {
            for limit in limits {
                let told = ics_error(Tr(lang), &IcsError::Limit(limit));
                assert!(!told.starts_with("ics-"), "{lang:?} lacks it: {told}");
                let number = match limit {
                    IcsLimit::FileSize => "512 ".to_owned(),
                    _ => format!(" {} ", limit.max()),
                };
                assert!(told.contains(&number), "{lang:?}: {told}");
                if limit.line().is_some() {
                    assert!(told.contains("4321"), "{lang:?}: {told}");
                }
            }
        }
        let wrong = IcsError::Invalid {
            line: 7,
            message: "DTSTART \"x\" is not a date".to_owned(),
        };
        assert_eq!(
            ics_error(EN, &wrong),
            "ics: line 7: DTSTART \"x\" is not a date"
        );
    }

    #[test]
    fn the_table_left_as_offered_follows_the_default_or_the_stability_variant() {
        let rows = sla_rows(&SlaPolicy::default_table());
        let (_, plain) = contract_terms(&form(&rows, false), "", EN).unwrap();
        assert_eq!(plain.sla, None);
        let (_, stability) = contract_terms(&form(&rows, true), "", EN).unwrap();
        assert_eq!(stability.sla, None);
        assert_eq!(
            stability.validate().unwrap().policy(),
            &SlaPolicy::stability()
        );
        let mut edited = rows.clone();
        edited[3].reaction = "1h".to_owned();
        let (_, custom) = contract_terms(&form(&edited, true), "", EN).unwrap();
        assert_eq!(
            custom
                .sla
                .unwrap()
                .targets(Class::try_from(4).unwrap())
                .reaction,
            serde_json::from_value(serde_json::json!("1h")).unwrap()
        );
        let mut bad = rows;
        bad[0].reaction = "soon".to_owned();
        assert!(
            contract_terms(&form(&bad, false), "", EN)
                .unwrap_err()
                .starts_with("sla:")
        );
    }
}

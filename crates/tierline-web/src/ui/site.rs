//! The public site (what tierline offers, and a form for prospects), signing in and out, and a
//! user's language and time zone.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tierline_desk::DeskError;
use tierline_desk::{Prefs, Role, StoreError};

use super::ctx::{Ctx, LANG_COOKIE};
use super::form::{PageForm, local_path, opt};
use super::i18n::Lang;
use crate::auth::SESSION_COOKIE;
use crate::client::ClientIp;
use crate::error::PageError;
use crate::{ApiError, AppState};

#[derive(Template)]
#[template(path = "home.html")]
struct Home {
    ctx: Ctx,
    sent: bool,
    error: Option<String>,
    name: String,
    phone: String,
    need: String,
}

pub async fn home(ctx: Ctx) -> Result<Response, PageError> {
    let page = Home {
        ctx,
        sent: false,
        error: None,
        name: String::new(),
        phone: String::new(),
        need: String::new(),
    };
    page.ctx.page(page.render())
}

#[derive(Deserialize)]
pub struct LeadForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    need: String,
    /// The honeypot: hidden from people, filled in by bots.
    #[serde(default)]
    website: String,
}

pub async fn lead(
    State(s): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    ctx: Ctx,
    PageForm(f): PageForm<LeadForm>,
) -> Result<Response, PageError> {
    ctx.check(&headers, Some(&f.csrf))?;
    let mut page = Home {
        ctx,
        sent: true,
        error: None,
        name: f.name.clone(),
        phone: f.phone.clone(),
        need: f.need.clone(),
    };
    if !f.website.is_empty() {
        // A bot: it sees the same thanks a person does, and nothing is stored.
        tracing::info!(client = %client, "a lead form with the honeypot filled in was dropped");
        return page.ctx.page(page.render());
    }
    let status = match s
        .desk
        .create_lead(
            &f.name,
            &f.phone,
            &f.need,
            &client.to_string(),
            s.clock.now(),
        )
        .await
    {
        Ok(_) => StatusCode::OK,
        Err(DeskError::Store(StoreError::Invalid { field, .. })) => {
            page.sent = false;
            page.error = Some(page.ctx.t(&format!("lead-bad-{field}")));
            StatusCode::UNPROCESSABLE_ENTITY
        }
        Err(DeskError::Store(StoreError::RateLimited(_))) => {
            page.sent = false;
            page.error = Some(page.ctx.t("lead-too-many"));
            StatusCode::TOO_MANY_REQUESTS
        }
        Err(e) => return Err(e.into()),
    };
    let mut r = page.ctx.page(page.render())?;
    *r.status_mut() = status;
    Ok(r)
}

#[derive(Template)]
#[template(path = "login.html")]
struct Login {
    ctx: Ctx,
    next: String,
    email: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_form(ctx: Ctx, Query(q): Query<NextQuery>) -> Result<Response, PageError> {
    let page = Login {
        next: local_path(q.next.as_deref(), ""),
        ctx,
        email: String::new(),
        error: None,
    };
    page.ctx.page(page.render())
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    email: String,
    password: String,
    next: Option<String>,
}

/// Where a user lands after signing in.
fn landing(role: Role) -> &'static str {
    match role {
        Role::Admin | Role::Agent | Role::Vendor => "/agent/queue",
        Role::Customer => "/portal",
    }
}

pub async fn login(
    State(s): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    ctx: Ctx,
    PageForm(f): PageForm<LoginForm>,
) -> Result<Response, PageError> {
    ctx.check(&headers, Some(&f.csrf))?;
    let now = s.clock.now();
    match s
        .desk
        .sign_in(&f.email, &f.password, &client.to_string(), now)
        .await
    {
        Ok(session) => {
            let target = local_path(opt(&f.next), landing(session.viewer.role));
            let mut r = Redirect::to(&target).into_response();
            r.headers_mut().insert(
                SET_COOKIE,
                crate::api::session::cookie(
                    &session.secret,
                    tierline_desk::SESSION_LIFETIME.as_secs(),
                    s.secure_cookies,
                )?,
            );
            Ok(r)
        }
        Err(DeskError::Store(
            e @ (StoreError::BadCredentials | StoreError::RateLimited(_) | StoreError::Busy(_)),
        )) => {
            let (error, status) = match e {
                StoreError::RateLimited(secs) => (
                    ctx.t1("login-too-many", "minutes", secs.div_ceil(60)),
                    StatusCode::TOO_MANY_REQUESTS,
                ),
                StoreError::Busy(_) => (ctx.t("login-busy"), StatusCode::SERVICE_UNAVAILABLE),
                _ => (ctx.t("login-failed"), StatusCode::UNAUTHORIZED),
            };
            let page = Login {
                error: Some(error),
                next: local_path(opt(&f.next), ""),
                email: f.email,
                ctx,
            };
            let mut r = page.ctx.page(page.render())?;
            *r.status_mut() = status;
            Ok(r)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct CsrfOnly {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

pub async fn logout(
    State(s): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    PageForm(f): PageForm<CsrfOnly>,
) -> Result<Response, PageError> {
    ctx.check(&headers, Some(&f.csrf))?;
    let parts_cookie = crate::auth::cookie(&headers, SESSION_COOKIE);
    if let Some(secret) = parts_cookie {
        s.desk.sign_out(&secret, s.clock.now()).await?;
    }
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut().insert(
        SET_COOKIE,
        crate::api::session::cookie("", 0, s.secure_cookies)?,
    );
    Ok(r)
}

#[derive(Deserialize)]
pub struct LangForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    lang: String,
    next: Option<String>,
}

pub async fn lang(
    State(s): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    PageForm(f): PageForm<LangForm>,
) -> Result<Response, PageError> {
    ctx.check(&headers, Some(&f.csrf))?;
    let lang = Lang::parse(&f.lang).ok_or(PageError(ApiError::BadRequest(
        "unknown language".to_owned(),
    )))?;
    if let Some(v) = &ctx.viewer {
        let mut prefs = s.desk.prefs(v.user_id).await?;
        prefs.language = Some(lang.code().to_owned());
        s.desk.set_prefs(v.user_id, &prefs).await?;
    }
    let mut r = Redirect::to(&local_path(opt(&f.next), "/")).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{LANG_COOKIE}={}; SameSite=Lax; Path=/; Max-Age=31536000",
        lang.code()
    )) {
        r.headers_mut().insert(SET_COOKIE, v);
    }
    Ok(r)
}

#[derive(Template)]
#[template(path = "settings.html")]
struct Settings {
    ctx: Ctx,
    language: String,
    time_zone: String,
    /// The password form's outcome: a translated error, or that it worked.
    password_error: Option<String>,
    password_changed: bool,
}

#[derive(Deserialize)]
pub struct SettingsQuery {
    password: Option<String>,
}

pub async fn settings(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<SettingsQuery>,
) -> Result<Response, PageError> {
    let v = ctx.viewer()?;
    let prefs = s.desk.prefs(v.user_id).await?;
    let page = Settings {
        language: prefs.language.unwrap_or_default(),
        time_zone: prefs.time_zone.unwrap_or_default(),
        password_error: None,
        password_changed: q.password.as_deref() == Some("changed"),
        ctx,
    };
    page.ctx.page(page.render())
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    current_password: String,
    new_password: String,
    new_password_again: String,
}

/// `POST /settings/password`: one's own new password; the other sessions end, this one stays.
pub async fn change_password(
    State(s): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
    ctx: Ctx,
    PageForm(f): PageForm<PasswordForm>,
) -> Result<Response, PageError> {
    ctx.check(&headers, Some(&f.csrf))?;
    let v = ctx.viewer()?.clone();
    let outcome = if f.new_password != f.new_password_again {
        Err((
            "password-mismatch".to_owned(),
            StatusCode::UNPROCESSABLE_ENTITY,
        ))
    } else {
        let keep = crate::auth::cookie(&headers, SESSION_COOKIE);
        match s
            .desk
            .change_own_password(
                &v,
                &f.current_password,
                &f.new_password,
                keep.as_deref(),
                &client.to_string(),
                s.clock.now(),
            )
            .await
        {
            Ok(()) => Ok(()),
            Err(DeskError::Store(StoreError::Invalid { field, .. })) => Err((
                match field {
                    "current_password" => "password-wrong",
                    _ => "password-bad-new",
                }
                .to_owned(),
                StatusCode::UNPROCESSABLE_ENTITY,
            )),
            Err(DeskError::Store(StoreError::RateLimited(_))) => Err((
                "password-too-many".to_owned(),
                StatusCode::TOO_MANY_REQUESTS,
            )),
            Err(DeskError::Store(StoreError::Busy(_))) => {
                Err(("login-busy".to_owned(), StatusCode::SERVICE_UNAVAILABLE))
            }
            Err(e) => return Err(e.into()),
        }
    };
    let (key, status) = match outcome {
        Ok(()) => return Ok(Redirect::to("/settings?password=changed").into_response()),
        Err(e) => e,
    };
    let prefs = s.desk.prefs(v.user_id).await?;
    let page = Settings {
        language: prefs.language.unwrap_or_default(),
        time_zone: prefs.time_zone.unwrap_or_default(),
        password_error: Some(if key == "password-bad-new" {
            ctx.t1(&key, "chars", tierline_desk::MIN_PASSWORD_CHARS)
        } else {
            ctx.t(&key)
        }),
        password_changed: false,
        ctx,
    };
    let mut r = page.ctx.page(page.render())?;
    *r.status_mut() = status;
    Ok(r)
}

#[derive(Deserialize)]
pub struct SettingsForm {
    #[serde(rename = "_csrf", default)]
    csrf: String,
    language: Option<String>,
    time_zone: Option<String>,
}

pub async fn save_settings(
    State(s): State<AppState>,
    headers: HeaderMap,
    ctx: Ctx,
    PageForm(f): PageForm<SettingsForm>,
) -> Result<Response, PageError> {
    ctx.check(&headers, Some(&f.csrf))?;
    let v = ctx.viewer()?;
    let language = match opt(&f.language) {
        Some(l) => Some(
            Lang::parse(l)
                .ok_or(ApiError::field("language", "must be en, ru or uk"))?
                .code()
                .to_owned(),
        ),
        None => None,
    };
    let time_zone = match opt(&f.time_zone) {
        Some(z) => {
            jiff::tz::TimeZone::get(z)
                .map_err(|_| ApiError::field("time_zone", "is not a known IANA time zone"))?;
            Some(z.to_owned())
        }
        None => None,
    };
    s.desk
        .set_prefs(
            v.user_id,
            &Prefs {
                language,
                time_zone,
            },
        )
        .await?;
    Ok(Redirect::to("/settings").into_response())
}

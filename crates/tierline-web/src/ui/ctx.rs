//! What every page knows about its request: who is looking (if anyone), in which language and
//! time zone, and the token that proves a form came from one of our pages.
//!
//! CSRF: a signed-in user's token is derived from their session secret (so it changes with the
//! session and needs no storage); a visitor's comes from a random cookie of its own that the
//! form must echo. Either way, a state-changing request must also not come from another origin.

use axum::extract::FromRequestParts;
use axum::http::header::{ACCEPT_LANGUAGE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use jiff::tz::TimeZone;
use sha2::{Digest, Sha256};
use tierline_desk::{Role, Viewer};

use super::i18n::{Lang, Tr};
use crate::auth::{cookie, same_origin, session_cookie};
use crate::error::PageError;
use crate::{ApiError, AppState};

/// The cookie that keeps a visitor's CSRF secret.
const VISITOR_COOKIE: &str = "tierline_csrf";
/// The cookie with the language picked on the page.
pub const LANG_COOKIE: &str = "tierline_lang";
/// The cookie the page's script sets to the browser's time zone.
pub const TZ_COOKIE: &str = "tierline_tz";

/// A page's request context.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The signed-in user.
    pub viewer: Option<Viewer>,
    /// Their name, for the header.
    pub user_name: String,
    /// Translations.
    pub tr: Tr,
    /// Where times are shown.
    pub tz: TimeZone,
    /// The token forms carry.
    pub csrf: String,
    /// The path and query asked for.
    pub path: String,
    /// A visitor's new CSRF cookie, to set with the page.
    new_cookie: Option<String>,
    secure: bool,
}

fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(format!("tierline csrf {secret}").as_bytes()))
}

/// The language a request asks for without a user's own choice.
pub fn request_lang(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE)
        .and_then(|c| Lang::parse(&c))
        .or_else(|| {
            headers
                .get(ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .map(Lang::negotiate)
        })
        .unwrap_or(Lang::En)
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut Parts, s: &AppState) -> Result<Ctx, PageError> {
        let now = s.clock.now();
        let session = session_cookie(parts);
        let viewer = match &session {
            Some(secret) => s.desk.viewer_for_session(secret, now).await?,
            None => None,
        };
        let (user_name, prefs) = match &viewer {
            Some(v) => s.desk.name_and_prefs(v.user_id).await?,
            None => Default::default(),
        };
        let lang = prefs
            .language
            .as_deref()
            .and_then(Lang::parse)
            .unwrap_or_else(|| request_lang(&parts.headers));
        let tz = prefs
            .time_zone
            .or_else(|| cookie(&parts.headers, TZ_COOKIE))
            .and_then(|name| TimeZone::get(&percent_decode(&name)).ok())
            .unwrap_or(TimeZone::UTC);
        let (csrf, new_cookie) = match (&viewer, &session) {
            (Some(_), Some(secret)) => (digest(secret), None),
            _ => match cookie(&parts.headers, VISITOR_COOKIE).filter(|c| c.len() == 64) {
                Some(c) => (digest(&c), None),
                None => {
                    let fresh = hex::encode(rand::random::<[u8; 32]>());
                    (digest(&fresh), Some(fresh))
                }
            },
        };
        Ok(Ctx {
            viewer,
            user_name,
            tr: Tr(lang),
            tz,
            csrf,
            path: parts
                .uri
                .path_and_query()
                .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned()),
            new_cookie,
            secure: s.secure_cookies,
        })
    }
}

/// The cookie's value as the page's script wrote it (`encodeURIComponent`).
fn percent_decode(s: &str) -> String {
    form_urlencoded::parse(format!("v={s}").as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

impl Ctx {
    /// The signed-in user, or "sign in first".
    pub fn viewer(&self) -> Result<&Viewer, PageError> {
        self.viewer
            .as_ref()
            .ok_or(PageError(ApiError::Unauthorized))
    }

    /// The signed-in agent, administrator or vendor contact: who works from the queues.
    pub fn staff(&self) -> Result<&Viewer, PageError> {
        let v = self.viewer()?;
        if v.is_staff() || v.role == Role::Vendor {
            Ok(v)
        } else {
            Err(PageError(ApiError::NotFound))
        }
    }

    /// The signed-in agent or administrator, not a vendor contact.
    pub fn desk(&self) -> Result<&Viewer, PageError> {
        let v = self.viewer()?;
        if v.is_staff() {
            Ok(v)
        } else {
            Err(PageError(ApiError::NotFound))
        }
    }

    /// The signed-in administrator.
    pub fn admin(&self) -> Result<&Viewer, PageError> {
        let v = self.viewer()?;
        if v.role == Role::Admin {
            Ok(v)
        } else {
            Err(PageError(ApiError::NotFound))
        }
    }

    /// Checks a state-changing request: the token from the form (or the `X-CSRF-Token` header
    /// htmx sends) and the origin.
    pub fn check(&self, headers: &HeaderMap, form_token: Option<&str>) -> Result<(), PageError> {
        let header = headers.get("x-csrf-token").and_then(|v| v.to_str().ok());
        let given = form_token.or(header).unwrap_or_default();
        let ok = given.len() == self.csrf.len()
            && given
                .bytes()
                .zip(self.csrf.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if !ok || !same_origin(headers, self.secure) {
            return Err(PageError(ApiError::Forbidden(
                "the form has expired or did not come from this site; reload the page and try again"
                    .to_owned(),
            )));
        }
        Ok(())
    }

    /// A rendered page, with the visitor's new cookie if one was made.
    pub fn page(&self, html: Result<String, askama::Error>) -> Result<Response, PageError> {
        let html = html.map_err(ApiError::internal)?;
        let mut response = axum::response::Html(html).into_response();
        if let Some(c) = &self.new_cookie {
            let secure = if self.secure { "; Secure" } else { "" };
            if let Ok(v) = HeaderValue::from_str(&format!(
                "{VISITOR_COOKIE}={c}; HttpOnly; SameSite=Lax; Path=/{secure}"
            )) {
                response.headers_mut().append(SET_COOKIE, v);
            }
        }
        Ok(response)
    }

    /// A timestamp in the viewer's zone.
    pub fn when(&self, t: impl std::borrow::Borrow<jiff::Timestamp>) -> String {
        t.borrow()
            .to_zoned(self.tz.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    }

    /// The viewer's zone's name.
    pub fn tz_name(&self) -> String {
        self.tz.iana_name().unwrap_or("UTC").to_owned()
    }

    /// Whether the viewer is staff (agents and administrators).
    pub fn is_staff(&self) -> bool {
        self.viewer.as_ref().is_some_and(Viewer::is_staff)
    }

    /// Whether the viewer is an administrator.
    pub fn is_admin(&self) -> bool {
        self.viewer.as_ref().is_some_and(|v| v.role == Role::Admin)
    }

    /// Whether the viewer is a customer user.
    pub fn is_customer(&self) -> bool {
        self.viewer
            .as_ref()
            .is_some_and(|v| v.role == Role::Customer)
    }

    /// The languages, for the switcher.
    pub fn langs(&self) -> [Lang; 3] {
        Lang::ALL
    }

    /// Shorthand for templates.
    pub fn t(&self, key: &str) -> String {
        self.tr.t(key)
    }

    /// Shorthand for templates.
    pub fn t1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        self.tr.t1(key, name, value)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn zone_cookies_decode() {
        assert_eq!(super::percent_decode("Europe%2FKyiv"), "Europe/Kyiv");
        assert_eq!(super::percent_decode("Etc%2FGMT%2B3"), "Etc/GMT+3");
        assert_eq!(super::percent_decode("UTC"), "UTC");
    }
}

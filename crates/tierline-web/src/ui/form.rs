//! Form bodies of pages: urlencoded forms parsed with errors that become pages.

use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

use crate::ApiError;
use crate::error::PageError;

/// A form body; a malformed one is a 400 page.
#[derive(Debug)]
pub struct PageForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for PageForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<PageForm<T>, PageError> {
        axum::Form::<T>::from_request(req, state)
            .await
            .map(|f| PageForm(f.0))
            .map_err(|e| PageError(ApiError::BadRequest(e.body_text())))
    }
}

/// A value for a query string.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(char::from(b));
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A local path to return to after a form: only our own paths, never another site.
pub fn local_path(next: Option<&str>, fallback: &str) -> String {
    match next {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.contains('\\') => p.to_owned(),
        _ => fallback.to_owned(),
    }
}

/// An empty form field is no value.
pub fn opt(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

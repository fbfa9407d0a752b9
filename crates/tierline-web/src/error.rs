//! The one mapping from errors to HTTP: RFC 9457 problem details (`application/problem+json`).
//!
//! Clients get what they can act on (a status, a title, what is wrong and with which field);
//! internal causes are logged and never sent.

use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tierline_desk::{DeskError, StoreError, UploadRefusal};
use tierline_domain::workflow::Refusal;

/// A field-level problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    /// The field, as named in the request.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
    /// The same in the pages' translations (a message key taking `$field`), when there is one.
    #[serde(skip)]
    pub key: Option<&'static str>,
}

/// An error a handler returns.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Malformed request: bad JSON, a bad path or query parameter.
    #[error("{0}")]
    BadRequest(String),
    /// No valid credentials.
    #[error("authentication required")]
    Unauthorized,
    /// A sign-in with the wrong email or password.
    #[error("wrong email or password")]
    BadCredentials,
    /// Too many attempts; retry after this many seconds.
    #[error("too many failed attempts; try again in {0} seconds")]
    TooManyRequests(u64),
    /// Too much of this at once; retry after this many seconds.
    #[error("the server is busy; try again in {0} seconds")]
    Busy(u64),
    /// Authenticated, but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// Nothing there, or nothing the caller may see.
    #[error("not found")]
    NotFound,
    /// Taken already.
    #[error("{0}")]
    Conflict(String),
    /// Well-formed but breaking a rule.
    #[error("{detail}")]
    Unprocessable {
        /// The summary.
        detail: String,
        /// Per field.
        errors: Vec<FieldError>,
    },
    /// The body is over the limit.
    #[error("the request body is larger than {} bytes", crate::BODY_LIMIT)]
    PayloadTooLarge,
    /// Files over the customer's attachment quota (413) or upload rate (429).
    #[error("{0}")]
    UploadRefused(tierline_desk::UploadRefusal),
    /// Not JSON.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// A dependency (the database) is not ready.
    #[error("{0}")]
    Unavailable(String),
    /// Our fault; the cause goes to the log only.
    #[error("internal error")]
    Internal(String),
}

/// An RFC 9457 problem, as every error is answered.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Problem<'a> {
    /// Always `about:blank`: the status says what kind of problem it is.
    #[serde(rename = "type")]
    kind: &'static str,
    /// The status's reason phrase.
    title: &'a str,
    /// The HTTP status.
    status: u16,
    /// What is wrong, for a person.
    detail: String,
    /// What is wrong, per field.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    errors: &'a [FieldError],
}

impl ApiError {
    pub(crate) fn internal(cause: impl std::fmt::Display) -> ApiError {
        ApiError::Internal(cause.to_string())
    }

    pub(crate) fn field(field: &str, message: impl Into<String>) -> ApiError {
        let message = message.into();
        ApiError::Unprocessable {
            detail: format!("{field}: {message}"),
            errors: vec![FieldError {
                field: field.to_owned(),
                message,
                key: None,
            }],
        }
    }

    /// A field error that pages show in the viewer's language (`key` is its message there).
    pub(crate) fn field_translated(field: &str, message: &str, key: &'static str) -> ApiError {
        ApiError::Unprocessable {
            detail: format!("{field}: {message}"),
            errors: vec![FieldError {
                field: field.to_owned(),
                message: message.to_owned(),
                key: Some(key),
            }],
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized | ApiError::BadCredentials => StatusCode::UNAUTHORIZED,
            ApiError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::NotFound => StatusCode::NOT_FOUND,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::Unprocessable { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UploadRefused(UploadRefusal::Quota { .. }) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UploadRefused(UploadRefusal::Rate { .. }) => StatusCode::TOO_MANY_REQUESTS,
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Seconds to wait before trying again, when waiting helps.
    fn retry_after(&self) -> Option<u64> {
        match self {
            ApiError::TooManyRequests(secs) | ApiError::Busy(secs) => Some(*secs),
            ApiError::UploadRefused(UploadRefusal::Rate {
                retry_after_secs, ..
            }) => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// The response, for places that need one outside a handler (the panic catcher).
    pub(crate) fn into_response_now(self) -> Response {
        self.into_response()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let detail = match &self {
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                "something went wrong on our side; it has been logged".to_owned()
            }
            other => other.to_string(),
        };
        let errors = match &self {
            ApiError::Unprocessable { errors, .. } => errors.as_slice(),
            _ => &[],
        };
        let body = Problem {
            kind: "about:blank",
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail,
            errors,
        };
        let mut response = (status, axum::Json(body)).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        retry_after(&mut response, self.retry_after());
        response
    }
}

fn retry_after(response: &mut Response, secs: Option<u64>) {
    if let Some(secs) = secs
        && let Ok(v) = HeaderValue::from_str(&secs.to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, v);
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> ApiError {
        match e {
            StoreError::NotFound => ApiError::NotFound,
            StoreError::Forbidden(why) => ApiError::Forbidden(why.to_owned()),
            StoreError::Invalid { field, message } => ApiError::field(field, message),
            StoreError::Conflict(what) => ApiError::Conflict(format!("{what} already exists")),
            StoreError::BadCredentials => ApiError::BadCredentials,
            StoreError::RateLimited(secs) => ApiError::TooManyRequests(secs),
            StoreError::Busy(secs) => ApiError::Busy(secs),
            StoreError::UploadRefused(why) => ApiError::UploadRefused(why),
            e @ (StoreError::Database(_) | StoreError::Migrate(_) | StoreError::Corrupt(_)) => {
                ApiError::internal(e)
            }
        }
    }
}

impl From<DeskError> for ApiError {
    fn from(e: DeskError) -> ApiError {
        match e {
            DeskError::Store(e) => e.into(),
            DeskError::Refused(Refusal::Forbidden(why)) => ApiError::Forbidden(why.to_owned()),
            DeskError::Refused(Refusal::Invalid { field, message }) => {
                ApiError::field(field, message)
            }
            e @ DeskError::Classifier(_) => ApiError::internal(e),
        }
    }
}

impl From<BytesRejection> for ApiError {
    fn from(r: BytesRejection) -> ApiError {
        if r.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge
        } else {
            ApiError::BadRequest(r.body_text())
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(r: PathRejection) -> ApiError {
        ApiError::BadRequest(format!("bad path: {}", r.body_text()))
    }
}

impl From<QueryRejection> for ApiError {
    fn from(r: QueryRejection) -> ApiError {
        ApiError::BadRequest(format!("bad query: {}", r.body_text()))
    }
}

/// An error on a web page. It becomes a status and the error itself, attached to the response;
/// the UI's error layer (`ui::errors`), which knows the viewer's language and the page asked
/// for, turns that into a page (or a redirect to sign in). Causes of internal errors are logged
/// here and never shown.
#[derive(Debug)]
pub struct PageError(pub ApiError);

/// What a failed page carries to the UI's error layer.
#[derive(Debug, Clone)]
pub struct PageFailure {
    /// The status.
    pub status: StatusCode,
    /// What to tell the person, in English; the layer shows a translated summary beside it.
    pub detail: Option<String>,
    /// What to tell the person in their language instead of `detail`, where there is a message
    /// for it.
    pub message: Option<PageMessage>,
    /// Field errors that have a translation: (field, message key), shown instead of `detail`.
    pub translated: Vec<(String, &'static str)>,
}

/// A message of the translations with its arguments, for the UI's error layer to put in the
/// viewer's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageMessage {
    /// The message's key.
    pub key: &'static str,
    /// Its arguments.
    pub args: Vec<(&'static str, String)>,
}

impl PageMessage {
    fn of(e: &ApiError) -> Option<PageMessage> {
        let ApiError::UploadRefused(refusal) = e else {
            return None;
        };
        Some(match *refusal {
            UploadRefusal::Quota {
                quota_bytes,
                used_bytes,
                size_bytes,
            } => PageMessage {
                key: "upload-quota",
                args: vec![
                    ("quota", human_bytes(quota_bytes)),
                    ("used", human_bytes(used_bytes)),
                    ("size", human_bytes(size_bytes)),
                ],
            },
            UploadRefusal::Rate {
                rate_bytes,
                window_secs,
                recent_bytes,
                size_bytes,
                retry_after_secs,
            } => PageMessage {
                key: "upload-rate",
                args: vec![
                    ("rate", human_bytes(rate_bytes)),
                    ("hours", (window_secs / 3600).max(1).to_string()),
                    ("recent", human_bytes(recent_bytes)),
                    ("size", human_bytes(size_bytes)),
                    ("minutes", retry_after_secs.div_ceil(60).max(1).to_string()),
                ],
            },
        })
    }
}

/// A size as people read it: `2 GiB`, `200 MiB`, `3.5 MiB`, `900 B`.
pub(crate) fn human_bytes(n: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (size, unit) in UNITS {
        if n >= size {
            // Tenths, rounded down: a limit is never shown larger than it is.
            let tenths = n.saturating_mul(10) / size;
            return if tenths.is_multiple_of(10) {
                format!("{} {unit}", tenths / 10)
            } else {
                format!("{}.{} {unit}", tenths / 10, tenths % 10)
            };
        }
    }
    format!("{n} B")
}

impl<E: Into<ApiError>> From<E> for PageError {
    fn from(e: E) -> PageError {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let detail = match &self.0 {
            ApiError::Internal(cause) => {
                tracing::error!(%cause, "internal error");
                None
            }
            ApiError::NotFound | ApiError::Unauthorized => None,
            other => Some(other.to_string()),
        };
        let translated = match &self.0 {
            ApiError::Unprocessable { errors, .. } => errors
                .iter()
                .filter_map(|e| e.key.map(|k| (e.field.clone(), k)))
                .collect(),
            _ => Vec::new(),
        };
        let mut response = status.into_response();
        retry_after(&mut response, self.0.retry_after());
        response.extensions_mut().insert(PageFailure {
            status,
            detail,
            message: PageMessage::of(&self.0),
            translated,
        });
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::{Lang, Tr};

    #[test]
    fn sizes_read_as_people_say_them() {
        assert_eq!(human_bytes(900), "900 B");
        assert_eq!(human_bytes(300 * 1024), "300 KiB");
        assert_eq!(human_bytes(200 << 20), "200 MiB");
        assert_eq!(human_bytes((7 << 20) / 2), "3.5 MiB");
        assert_eq!(
            human_bytes((2 << 30) - 1),
            "1.9 GiB",
            "never shown larger than it is"
        );
        assert_eq!(human_bytes(2 << 30), "2 GiB");
    }

    #[test]
    fn upload_refusals_are_told_in_every_language_with_their_numbers() {
        let refusals = [
            UploadRefusal::Quota {
                quota_bytes: 2 << 30,
                used_bytes: (2 << 30) - (1 << 20),
                size_bytes: 3 << 20,
            },
            UploadRefusal::Rate {
                rate_bytes: 200 << 20,
                window_secs: 3600,
                recent_bytes: 190 << 20,
                size_bytes: 20 << 20,
                retry_after_secs: 61,
            },
        ];
        for refusal in refusals {
            let e = ApiError::UploadRefused(refusal);
            let m = PageMessage::of(&e).unwrap();
            for lang in Lang::ALL {
                let args: Vec<(&str, &dyn std::fmt::Display)> = m
                    .args
                    .iter()
                    .map(|(k, v)| (*k, v as &dyn std::fmt::Display))
                    .collect();
                let told = Tr(lang).t_args(m.key, &args);
                assert_ne!(told, m.key, "{lang:?}");
                assert!(!told.contains('{'), "{lang:?}: {told}");
                for (_, value) in &m.args {
                    assert!(
                        told.contains(value.as_str()),
                        "{lang:?}: {told} lacks {value}"
                    );
                }
            }
        }
        assert_eq!(
            ApiError::UploadRefused(refusals[0]).status(),
            StatusCode::PAYLOAD_TOO_LARGE
        );
        let rate = ApiError::UploadRefused(refusals[1]);
        assert_eq!(rate.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(rate.retry_after(), Some(61));
        assert_eq!(PageMessage::of(&ApiError::NotFound), None);
    }
}

//! The one mapping from errors to HTTP: RFC 9457 problem details (`application/problem+json`).
//!
//! Clients get what they can act on (a status, a title, what is wrong and with which field);
//! internal causes are logged and never sent.

use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tierline_store::StoreError;

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
            ApiError::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
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
        if let ApiError::TooManyRequests(secs) | ApiError::Busy(secs) = &self
            && let Ok(v) = HeaderValue::from_str(&secs.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, v);
        }
        response
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
            e @ (StoreError::Database(_) | StoreError::Migrate(_) | StoreError::Corrupt(_)) => {
                ApiError::internal(e)
            }
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
    /// Field errors that have a translation: (field, message key), shown instead of `detail`.
    pub translated: Vec<(String, &'static str)>,
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
        response.extensions_mut().insert(PageFailure {
            status,
            detail,
            translated,
        });
        response
    }
}

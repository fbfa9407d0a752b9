//! Extractors whose rejections are problem+json like every other error.

use axum::extract::FromRequest;
use axum::extract::FromRequestParts;

use crate::ApiError;

/// A JSON body.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// A raw body, for handlers that need its bytes as well as its meaning.
#[derive(Debug)]
pub struct ApiBytes(pub axum::body::Bytes);

impl<S: Send + Sync> FromRequest<S> for ApiBytes {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<ApiBytes, ApiError> {
        Ok(ApiBytes(axum::body::Bytes::from_request(req, state).await?))
    }
}

/// Parses a JSON body read as bytes, with the same checks and errors as [`ApiJson`].
pub fn parse_json<T: serde::de::DeserializeOwned>(
    headers: &axum::http::HeaderMap,
    bytes: &[u8],
) -> Result<T, ApiError> {
    let is_json = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| {
            let m = m.trim();
            m == "application/json" || (m.starts_with("application/") && m.ends_with("+json"))
        });
    if !is_json {
        return Err(ApiError::UnsupportedMediaType(
            "send JSON with Content-Type: application/json".to_owned(),
        ));
    }
    Ok(axum::Json::<T>::from_bytes(bytes)?.0)
}

/// Path parameters.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// Query parameters.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

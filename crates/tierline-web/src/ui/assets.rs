//! The app's static files, embedded: nothing is fetched from outside the server. htmx and its
//! SSE extension are vendored from npm (`assets/ui/README.md` says which versions).

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};

use crate::ApiError;
use crate::error::PageError;

const FILES: &[(&str, &str, &str)] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../../assets/ui/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/ui/app.js"),
    ),
    (
        "htmx.min.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/ui/htmx.min.js"),
    ),
    (
        "htmx-sse.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/ui/htmx-sse.js"),
    ),
    (
        "api-docs.css",
        "text/css; charset=utf-8",
        include_str!("../../assets/ui/api-docs.css"),
    ),
    (
        "api-docs.js",
        "text/javascript; charset=utf-8",
        include_str!("../../assets/ui/api-docs.js"),
    ),
    (
        "icon.svg",
        "image/svg+xml",
        include_str!("../../assets/ui/icon.svg"),
    ),
];

pub async fn asset(Path(file): Path<String>) -> Result<Response, PageError> {
    let (_, kind, body) = FILES
        .iter()
        .find(|(name, _, _)| *name == file)
        .ok_or(PageError(ApiError::NotFound))?;
    Ok((
        [
            (CONTENT_TYPE, *kind),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        *body,
    )
        .into_response())
}

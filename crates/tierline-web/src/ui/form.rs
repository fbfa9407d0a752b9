//! Form bodies of pages: urlencoded forms parsed with errors that become pages.
//!
//! Every field is checked for control characters before a handler sees it (`text.rs`): a
//! one-line field (a name, an e-mail, a subject) takes none, a multi-line one (a description, a
//! reply) line breaks and tabs only. A refused form is a 422 page that names the field in the
//! viewer's language.

use axum::extract::{FromRequest, Request};
use axum::http::header::CONTENT_TYPE;
use serde::de::DeserializeOwned;

use crate::ApiError;
use crate::error::PageError;

/// A form body; a malformed one is a 400 page, one with control characters a 422 page.
#[derive(Debug)]
pub struct PageForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for PageForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<PageForm<T>, PageError> {
        let is_form = req
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| m.trim() == "application/x-www-form-urlencoded");
        if !is_form {
            return Err(PageError(ApiError::BadRequest(
                "expected a form (application/x-www-form-urlencoded)".to_owned(),
            )));
        }
        let bytes = axum::body::Bytes::from_request(req, state).await?;
        check(form_urlencoded::parse(&bytes))?;
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(&bytes));
        serde_path_to_error::deserialize(de)
            .map(PageForm)
            .map_err(|e| PageError(ApiError::BadRequest(format!("bad form: {e}"))))
    }
}

/// Checks every field of a form for control characters.
fn check<K: AsRef<str>, V: AsRef<str>>(
    pairs: impl IntoIterator<Item = (K, V)>,
) -> Result<(), PageError> {
    for (name, value) in pairs {
        crate::extract::text::check_pair(name.as_ref(), value.as_ref())?;
    }
    Ok(())
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
        Some(p) if is_plain_local_path(p) => p.to_owned(),
        _ => fallback.to_owned(),
    }
}

/// A path on this site and nothing else: it starts with one `/` and holds only printable ASCII
/// other than `\`. Browsers drop tabs and newlines and read `\` as `/`, so `/<TAB>/evil.example`
/// or `/\evil.example` would leave the site; none of those characters gets through.
fn is_plain_local_path(p: &str) -> bool {
    let mut chars = p.chars();
    chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && p.len() <= 2048
        && p.chars().all(|c| c.is_ascii_graphic() && c != '\\')
}

/// An empty form field is no value.
pub fn opt(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// The most parts a multipart form may have: the largest form (a contract version) has about 25.
pub const MAX_PARTS: usize = 100;
/// The most files one form may send (each is bounded by the store, all by the route's body limit).
pub const MAX_FILES: usize = 10;
/// The longest text field of a multipart form, in bytes: a description of 100,000 characters
/// (the store's limit) fits in any script. Without it, one field could take the whole body
/// limit of the route (40 MiB on the portal's new request), and then the classifier's time.
pub const MAX_TEXT_BYTES: usize = 512 * 1024;

/// A file sent with a form.
#[derive(Debug)]
pub struct Upload {
    /// The name the browser gave.
    pub name: String,
    /// The type the browser gave.
    pub content_type: String,
    /// The bytes.
    pub bytes: axum::body::Bytes,
}

/// A form's fields with repeats kept (checkboxes), and its files: what the urlencoded forms
/// with repeated fields and the multipart ones are read into.
#[derive(Debug, Default)]
pub struct Fields {
    pairs: Vec<(String, String)>,
    /// The files, in order.
    pub files: Vec<Upload>,
}

impl Fields {
    /// An urlencoded body; control characters in a field are refused (422).
    pub fn urlencoded(body: &str) -> Result<Fields, PageError> {
        let fields = Fields {
            pairs: form_urlencoded::parse(body.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
            files: Vec::new(),
        };
        check(fields.pairs.iter().map(|(k, v)| (k, v)))?;
        Ok(fields)
    }

    /// A multipart body; parts named `file_field` are files, the rest text, checked for control
    /// characters like an urlencoded form's (a file's name too: it is stored and shown). At most
    /// [`MAX_PARTS`] parts, [`MAX_FILES`] files and [`MAX_TEXT_BYTES`] per text field.
    pub async fn multipart(
        mut form: axum::extract::Multipart,
        file_field: &str,
    ) -> Result<Fields, PageError> {
        let bad = |e: axum::extract::multipart::MultipartError| ApiError::BadRequest(e.body_text());
        let mut out = Fields::default();
        let mut parts = 0;
        while let Some(mut field) = form.next_field().await.map_err(bad)? {
            parts += 1;
            if parts > MAX_PARTS {
                return Err(
                    ApiError::BadRequest(format!("a form has at most {MAX_PARTS} fields")).into(),
                );
            }
            let name = field.name().unwrap_or_default().to_owned();
            if name == file_field {
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let content_type = field
                    .content_type()
                    .unwrap_or("application/octet-stream")
                    .to_owned();
                if !crate::extract::text::acceptable(&file_name, false) {
                    return Err(crate::extract::text::refused(file_field, false).into());
                }
                let bytes = field.bytes().await.map_err(bad)?;
                // A file input left empty still sends a part with no name and no bytes.
                if !file_name.is_empty() || !bytes.is_empty() {
                    if out.files.len() == MAX_FILES {
                        return Err(ApiError::field(
                            file_field,
                            format!("at most {MAX_FILES} files at once"),
                        )
                        .into());
                    }
                    out.files.push(Upload {
                        name: file_name,
                        content_type,
                        bytes,
                    });
                }
            } else {
                // Read a chunk at a time, to stop at the limit rather than after the whole body.
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(bad)? {
                    if bytes.len() + chunk.len() > MAX_TEXT_BYTES {
                        return Err(ApiError::field(
                            // A field's name is the form's, not the sender's, in the answer.
                            if name.len() <= 64 { &name } else { "field" },
                            format!("must be at most {MAX_TEXT_BYTES} bytes"),
                        )
                        .into());
                    }
                    bytes.extend_from_slice(&chunk);
                }
                // As `Field::text` decodes: UTF-8, anything else replaced.
                let text = String::from_utf8_lossy(&bytes).into_owned();
                crate::extract::text::check_pair(&name, &text)?;
                out.pairs.push((name, text));
            }
        }
        Ok(out)
    }

    /// The first value of `key`.
    pub fn one(&self, key: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of `key`, or empty.
    pub fn text(&self, key: &str) -> String {
        self.one(key).unwrap_or_default().to_owned()
    }

    /// Every value of `key`.
    pub fn all(&self, key: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// Whether `key` was sent (a checked checkbox).
    pub fn has(&self, key: &str) -> bool {
        self.one(key).is_some()
    }
}

/// Uploaded files as the desk takes them.
pub fn new_files(files: Vec<Upload>, public: bool) -> Vec<tierline_desk::NewFile> {
    files
        .into_iter()
        .map(|f| tierline_desk::NewFile {
            file_name: f.name,
            content_type: f.content_type,
            bytes: f.bytes.to_vec(),
            public,
        })
        .collect()
}

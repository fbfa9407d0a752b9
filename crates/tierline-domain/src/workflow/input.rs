//! Input checks that need no database: texts, their lengths, file names. Every way in (API,
//! pages, mail) reaches them, so they are the last line for text the edges forgot to check.

use super::Refusal;

/// The longest reply or note.
pub const MAX_BODY_CHARS: usize = 100_000;
/// The longest reason, time note or vendor field.
pub const MAX_REASON_CHARS: usize = 2000;
/// The largest file accepted.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// A required text: trimmed, not empty, at most `max` characters, no control characters but
/// line breaks and tabs.
pub fn non_empty(field: &'static str, value: &str, max: usize) -> Result<String, Refusal> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Refusal::invalid(field, "must not be empty"));
    }
    bounded(field, v, max)
}

/// An optional text: blank is none; otherwise at most `max` characters.
pub fn optional(
    field: &'static str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, Refusal> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) if s.chars().count() > max => Err(Refusal::invalid(
            field,
            format!("must be at most {max} characters"),
        )),
        Some(s) => Ok(Some(s.to_owned())),
    }
}

fn bounded(field: &'static str, v: &str, max: usize) -> Result<String, Refusal> {
    if v.chars().count() > max {
        return Err(Refusal::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    // PostgreSQL refuses NUL and SQLite would keep it: neither is text a person wrote.
    if v.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(Refusal::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(v.to_owned())
}

/// A file name safe to keep and to offer back: no path, no control characters, bounded.
pub fn file_name(name: &str) -> Result<String, Refusal> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        return Err(Refusal::invalid("file", "needs a file name"));
    }
    Ok(cleaned)
}

/// A content type as given, cut to visible ASCII: informative only, never trusted for display.
pub fn content_type(given: &str) -> String {
    given
        .chars()
        .filter(char::is_ascii_graphic)
        .take(100)
        .collect()
}

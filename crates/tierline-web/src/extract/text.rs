//! Text as it comes in: control characters are refused at the edge, before anything is stored.
//!
//! PostgreSQL cannot store NUL in text while SQLite can, so the same request would be a server
//! fault on one and stored on the other; and no field has a use for control characters anyway.
//! Multi-line text (a description, a reply's body, a note) may carry line breaks and tabs;
//! everything else (subjects, names, e-mails, labels) is one line. The API, the pages' forms and
//! the alert webhooks all check here, so they answer alike on both databases.

use serde_json::Value;

use crate::ApiError;

/// Fields whose text may span lines, by name wherever they appear (a field inside one of them,
/// such as an alert's `annotations.description`, may too).
const MULTI_LINE: [&str; 10] = [
    "description",
    "holidays",
    "body",
    "need",
    "note",
    "reason",
    "message",
    "detail",
    "annotations",
    "commonAnnotations",
];

/// Never stored as text: passwords are hashed (`password`, `current_password`, `new_password`…),
/// and `next` (where a form returns to) is checked on its own, as a plain local path, and
/// replaced when it is anything else.
fn unchecked(field: &str) -> bool {
    field == "next" || field.contains("password")
}

/// Whether `field` holds multi-line text.
pub(crate) fn is_multi_line(field: &str) -> bool {
    MULTI_LINE.contains(&field)
}

/// The API's words for a field that breaks the rule.
pub(crate) fn message(multi_line: bool) -> &'static str {
    if multi_line {
        "must not contain control characters (line breaks and tabs are allowed)"
    } else {
        "must be one line without control characters (no NUL, tab or line break)"
    }
}

/// The translation key of [`message`], for pages.
pub(crate) fn message_key(multi_line: bool) -> &'static str {
    if multi_line {
        "edge-control-chars"
    } else {
        "edge-one-line"
    }
}

/// Whether `value` is acceptable text for a field that is (or is not) multi-line.
pub(crate) fn acceptable(value: &str, multi_line: bool) -> bool {
    !value
        .chars()
        .any(|c| c.is_control() && !(multi_line && matches!(c, '\n' | '\r' | '\t')))
}

/// The error for `field`, as problem details carry it and pages translate it.
pub(crate) fn refused(field: &str, multi_line: bool) -> ApiError {
    ApiError::field_translated(field, message(multi_line), message_key(multi_line))
}

/// Checks one named value (a form field, a query parameter).
pub(crate) fn check_pair(name: &str, value: &str) -> Result<(), ApiError> {
    if !acceptable(name, false) {
        return Err(refused("form", false));
    }
    if unchecked(name) {
        return Ok(());
    }
    let multi = is_multi_line(name);
    if acceptable(value, multi) {
        Ok(())
    } else {
        Err(refused(name, multi))
    }
}

/// Checks every string of a JSON document, and every key, naming the first bad field by its path
/// (`subject`, `terms.calendar.tz`, `alerts[0].labels`).
pub(crate) fn check_json(value: &Value) -> Result<(), ApiError> {
    let mut path = String::new();
    walk(value, &mut path, false)
}

fn walk(value: &Value, path: &mut String, multi: bool) -> Result<(), ApiError> {
    match value {
        Value::String(s) if !acceptable(s, multi) => Err(refused(field_name(path), multi)),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                walk(item, path, multi)?;
                path.truncate(len);
            }
            Ok(())
        }
        Value::Object(map) => {
            for (key, item) in map {
                // A key is a name: one line, always (an alert's label names are stored too).
                if !acceptable(key, false) {
                    return Err(refused(field_name(path), false));
                }
                if unchecked(key) {
                    continue;
                }
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
                walk(item, path, multi || is_multi_line(key))?;
                path.truncate(len);
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn field_name(path: &str) -> &str {
    if path.is_empty() { "body" } else { path }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn field(r: Result<(), ApiError>) -> Option<String> {
        match r {
            Err(ApiError::Unprocessable { errors, .. }) => Some(errors[0].field.clone()),
            _ => None,
        }
    }

    #[test]
    fn one_line_fields_refuse_every_control_character() {
        for bad in [
            "a\0b",
            "a\tb",
            "a\nb",
            "a\rb",
            "\u{7f}",
            "\u{85}",
            "\u{1b}[31m",
        ] {
            assert!(!acceptable(bad, false), "{bad:?}");
        }
        assert!(acceptable("Ünïcödé, emoji 🙂 and all", false));
    }

    #[test]
    fn multi_line_fields_take_line_breaks_and_tabs_only() {
        assert!(acceptable("line one\r\nline two\tindented", true));
        assert!(!acceptable("nul\0here", true));
        assert!(!acceptable("bell\u{7}", true));
    }

    #[test]
    fn json_is_checked_everywhere_with_the_field_named() {
        let ok = json!({"subject": "Down", "description": "a\nb\tc", "password": "\0anything"});
        assert!(check_json(&ok).is_ok());
        assert_eq!(
            field(check_json(&json!({"subject": "a\nb"}))),
            Some("subject".into())
        );
        assert_eq!(
            field(check_json(
                &json!({"terms": {"calendar": {"tz": "Europe/Kyiv\u{0}"}}})
            )),
            Some("terms.calendar.tz".into())
        );
        assert_eq!(
            field(check_json(
                &json!({"alerts": [{"labels": {"a": "x"}}, {"labels": {"b\u{0}": "x"}}]})
            )),
            Some("alerts[1].labels".into())
        );
        let multi = json!({"alerts": [{"annotations": {"description": "two\nlines"}}]});
        assert!(check_json(&multi).is_ok());
        assert_eq!(field(check_json(&json!("\u{0}"))), Some("body".into()));
    }

    #[test]
    fn form_pairs_are_checked_by_name() {
        assert!(check_pair("body", "hello\r\nthere").is_ok());
        assert!(check_pair("password", "\u{0}").is_ok());
        assert_eq!(
            field(check_pair("email", "a@b.test\u{0}")),
            Some("email".into())
        );
        assert_eq!(field(check_pair("x\u{0}", "v")), Some("form".into()));
    }
}

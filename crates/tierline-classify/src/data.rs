//! Labelled examples as JSON Lines: `{"subject": "...", "body": "...", "class": N}`.

use serde::Deserialize;
use tierline_domain::Class;

/// One labelled request.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Example {
    /// Subject line.
    pub subject: String,
    /// Body (may be empty).
    #[serde(default)]
    pub body: String,
    /// The class it belongs to.
    pub class: Class,
}

/// A bad line in a set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct DataError {
    /// The line, from 1.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Parses a JSON Lines set; blank lines are skipped, other fields ignored.
pub fn parse_examples(text: &str) -> Result<Vec<Example>, DataError> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| DataError {
                line: i + 1,
                message: e.to_string(),
            })
        })
        .collect()
}

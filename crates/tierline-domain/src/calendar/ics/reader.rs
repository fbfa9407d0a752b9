//! The reader: physical lines unfolded into logical ones, each split into a property's name,
//! parameters and value.

use super::{IcsError, IcsLimit, MAX_LINE_BYTES, MAX_UNFOLDED_BYTES};

/// A logical line after unfolding, with the number of the physical line it starts on.
pub(super) struct Line {
    pub(super) number: usize,
    text: String,
}

/// The logical lines of a text, each bounded by [`MAX_LINE_BYTES`] as given and
/// [`MAX_UNFOLDED_BYTES`] once joined.
pub(super) fn unfold(text: &str) -> Result<Vec<Line>, IcsError> {
    let mut out: Vec<Line> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        if raw.len() > MAX_LINE_BYTES {
            return Err(IcsLimit::LineLength { line: i + 1 }.into());
        }
        if let Some(rest) = raw.strip_prefix([' ', '\t'])
            && let Some(last) = out.last_mut()
        {
            if last.text.len() + rest.len() > MAX_UNFOLDED_BYTES {
                return Err(IcsLimit::UnfoldedLength { line: last.number }.into());
            }
            last.text.push_str(rest);
            continue;
        }
        if raw.trim().is_empty() {
            continue;
        }
        out.push(Line {
            number: i + 1,
            text: raw.to_owned(),
        });
    }
    Ok(out)
}

/// The start of a line for an error message: enough to find it, never the whole of a long one.
pub(super) fn excerpt(text: &str) -> String {
    const SHOWN: usize = 80;
    match text.char_indices().nth(SHOWN) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

pub(super) struct Property {
    pub(super) name: String,
    pub(super) params: Vec<(String, String)>,
    pub(super) value: String,
}

pub(super) fn parse_content_line(line: &Line) -> Result<Property, IcsError> {
    let err = |message: &str| IcsError::Invalid {
        line: line.number,
        message: format!("{message}: {:?}", excerpt(&line.text)),
    };
    let text = &line.text;
    let name_end = text
        .find([';', ':'])
        .ok_or_else(|| err("no ':' after the property name"))?;
    let name = &text[..name_end];
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(err("invalid property name"));
    }
    let mut params = Vec::new();
    let mut rest = &text[name_end..];
    while let Some(after) = rest.strip_prefix(';') {
        let eq = after
            .find('=')
            .ok_or_else(|| err("parameter without '='"))?;
        let key = after[..eq].to_ascii_uppercase();
        let val_part = &after[eq + 1..];
        let (value, tail) = if let Some(quoted) = val_part.strip_prefix('"') {
            let close = quoted
                .find('"')
                .ok_or_else(|| err("unclosed quote in a parameter"))?;
            (&quoted[..close], &quoted[close + 1..])
        } else {
            let end = val_part
                .find([';', ':'])
                .ok_or_else(|| err("no ':' before the value"))?;
            (&val_part[..end], &val_part[end..])
        };
        params.push((key, value.to_owned()));
        rest = tail;
    }
    let value = rest
        .strip_prefix(':')
        .ok_or_else(|| err("no ':' before the value"))?;
    Ok(Property {
        name: name.to_ascii_uppercase(),
        params,
        value: value.to_owned(),
    })
}

//! Reading a request: normalisation, the language, words and their stems, and tokens for what
//! matters in technical text (HTTP status codes, error names, hosts, addresses, alerts).

use std::sync::OnceLock;

use frostem::{Algorithm, Stemmer};
use regex::Regex;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

/// The language a request was read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Russian.
    Ru,
    /// Ukrainian.
    Uk,
    /// English.
    En,
    /// Two scripts or two Cyrillic languages in substantial measure.
    Mixed,
}

/// One unit of meaning: the feature it becomes and what a person would call it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub feature: String,
    pub shown: String,
}

/// Compatibility forms folded (NFKC: full-width letters, ligatures), lower case, `ё` as `е`,
/// every apostrophe as `'`.
pub(crate) fn normalise(text: &str) -> String {
    text.nfkc()
        .collect::<String>()
        .to_lowercase()
        .chars()
        .map(|c| match c {
            'ё' => 'е',
            '’' | 'ʼ' | '`' | '´' | 'ʹ' => '\'',
            c => c,
        })
        .collect()
}

fn is_cyrillic(c: char) -> bool {
    ('\u{0400}'..='\u{04FF}').contains(&c)
}

/// Ukrainian and Russian share most letters; each has a few of its own.
fn marks(word: &str) -> (usize, usize) {
    let uk = word
        .chars()
        .filter(|c| matches!(c, 'і' | 'ї' | 'є' | 'ґ'))
        .count();
    let ru = word
        .chars()
        .filter(|c| matches!(c, 'ы' | 'э' | 'ъ'))
        .count();
    (uk, ru)
}

/// Short words that only one of the two languages uses: short requests often have none of the
/// letters that tell them apart.
const UK_WORDS: [&str; 28] = [
    "як",
    "що",
    "це",
    "та",
    "чи",
    "або",
    "від",
    "буде",
    "немає",
    "нема",
    "щоб",
    "треба",
    "будь",
    "ласка",
    "ми",
    "ви",
    "вони",
    "він",
    "вона",
    "також",
    "після",
    "зараз",
    "усі",
    "коли",
    "тому",
    "який",
    "яка",
    "які",
];
const RU_WORDS: [&str; 28] = [
    "как",
    "что",
    "это",
    "или",
    "от",
    "будет",
    "нет",
    "чтобы",
    "надо",
    "нужно",
    "пожалуйста",
    "мы",
    "вы",
    "они",
    "он",
    "она",
    "также",
    "после",
    "сейчас",
    "все",
    "когда",
    "поэтому",
    "который",
    "какой",
    "какая",
    "какие",
    "уже",
    "где",
];

/// Evidence for Ukrainian and for Russian: their own letters, their own words, `-ння` endings
/// and apostrophes inside Cyrillic words (Ukrainian only).
fn cyrillic_evidence(text: &str) -> (usize, usize) {
    let (mut uk, mut ru) = marks(text);
    for word in text.split(|c: char| !(c.is_alphanumeric() || c == '\'')) {
        if UK_WORDS.contains(&word)
            || word.ends_with("ння")
            || (word.contains('\'') && word.chars().any(is_cyrillic))
        {
            uk += 1;
        }
        if RU_WORDS.contains(&word) {
            ru += 1;
        }
    }
    (uk, ru)
}

/// The language of normalised text, from its letters and words.
pub(crate) fn language(text: &str) -> Lang {
    let cyr = text.chars().filter(|c| is_cyrillic(*c)).count();
    let lat = text.chars().filter(char::is_ascii_alphabetic).count();
    let (uk, ru) = cyrillic_evidence(text);
    let letters = (cyr + lat).max(1);
    if cyr * 10 < letters {
        return Lang::En;
    }
    // A few Latin technical words are normal in a Cyrillic request; a quarter of the letters is
    // two languages.
    if lat * 4 > letters || (uk >= 2 && ru >= 2) {
        return Lang::Mixed;
    }
    if uk > ru { Lang::Uk } else { Lang::Ru }
}

struct Stemmers {
    en: Stemmer,
    ru: Stemmer,
    uk: Stemmer,
}

fn stemmers() -> &'static Stemmers {
    static S: OnceLock<Stemmers> = OnceLock::new();
    S.get_or_init(|| Stemmers {
        en: Stemmer::new(Algorithm::English),
        ru: Stemmer::new(Algorithm::Russian),
        uk: Stemmer::new(Algorithm::Ukrainian),
    })
}

/// The stem of one word: English for Latin script, Ukrainian or Russian for Cyrillic by the
/// word's own letters, else by the text's language.
fn stem(word: &str, lang: Lang) -> String {
    let s = stemmers();
    if word.chars().all(|c| c.is_ascii_alphanumeric()) {
        return s.en.stem(word).into_owned();
    }
    let (uk, ru) = marks(word);
    let stemmer = if uk > 0 {
        &s.uk
    } else if ru > 0 || lang != Lang::Uk {
        &s.ru
    } else {
        &s.uk
    };
    stemmer.stem(word).into_owned()
}

struct Patterns {
    status: Regex,
    err: Regex,
    host: Regex,
    ip: Regex,
    percent: Regex,
    alert: Regex,
    resolved: Regex,
}

/// The patterns are constants, checked by the tests; should one ever fail to compile, the
/// reader goes without special tokens rather than fail.
fn patterns() -> Option<&'static Patterns> {
    static P: OnceLock<Option<Patterns>> = OnceLock::new();
    P.get_or_init(|| {
        Some(Patterns {
            status: Regex::new(r"\b([45]\d\d)\b").ok()?,
            err: Regex::new(r"\b(err_[a-z_]+|oom|sigkill|segfault|timeout|timed out|econnrefused|enospc)\b").ok()?,
            host: Regex::new(r"\b[a-z0-9][a-z0-9-]*(\.[a-z0-9-]+)*\.(com|net|org|io|ru|ua|kz|by|pl|de|eu|local|test|internal|lan|site|shop|store|online|app|dev)\b|\b[a-z][a-z0-9-]*-?\d+:\d{2,5}\b").ok()?,
            ip: Regex::new(r"\b\d{1,3}(\.\d{1,3}){3}\b").ok()?,
            percent: Regex::new(r"\d+(\.\d+)?\s?%").ok()?,
            alert: Regex::new(r"\[firing|\[alerting\]|^problem:|\bproblem:|grafana alert|alertmanager|zabbix|\bseverity\s*=|instance\s*=").ok()?,
            resolved: Regex::new(r"\[resolved|^resolved:|\bok:").ok()?,
        })
    })
    .as_ref()
}

/// The tokens of one field of a request, given the whole request's language.
pub(crate) fn tokens(normalised: &str, lang: Lang) -> Vec<Token> {
    let mut out = Vec::new();
    let mut special = |feature: String, shown: String| {
        out.push(Token {
            feature: format!("s:{feature}"),
            shown,
        });
    };
    if let Some(p) = patterns() {
        for m in p.status.captures_iter(normalised) {
            if let Some(code) = m.get(1) {
                let code = code.as_str();
                special(format!("http_{}xx", &code[..1]), format!("HTTP {code}"));
                special(format!("http_{code}"), format!("HTTP {code}"));
            }
        }
        for m in p.err.find_iter(normalised) {
            special(format!("err_{}", m.as_str()), m.as_str().to_owned());
        }
        if p.host.is_match(normalised) {
            special("host".to_owned(), "a host name".to_owned());
        }
        if p.ip.is_match(normalised) {
            special("ip".to_owned(), "an IP address".to_owned());
        }
        if p.percent.is_match(normalised) {
            special("percent".to_owned(), "a percentage".to_owned());
        }
        if p.alert.is_match(normalised) {
            special("alert".to_owned(), "a monitoring alert".to_owned());
        }
        if p.resolved.is_match(normalised) {
            special("alert_resolved".to_owned(), "a resolved alert".to_owned());
        }
    }
    for word in normalised.split(|c: char| !(c.is_alphanumeric() || c == '\'')) {
        let word = word.trim_matches('\'');
        let chars = word.chars().count();
        if !(2..=crate::MAX_WORD_CHARS).contains(&chars) || word.chars().all(|c| c.is_ascii_digit())
        {
            continue;
        }
        out.push(Token {
            feature: stem(word, lang),
            shown: word.to_owned(),
        });
    }
    out
}

/// The words of a text as full-text search stores and looks them up: each word's stem (numbers
/// kept as they are, so `502` or a ticket number is found), without repeats, in order.
pub fn search_terms(text: &str) -> Vec<String> {
    let normalised = normalise(text);
    let lang = language(&normalised);
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for word in normalised.split(|c: char| !c.is_alphanumeric()) {
        if word.is_empty() || word.chars().count() > 64 {
            continue;
        }
        let term = if word.chars().all(|c| c.is_ascii_digit()) {
            word.to_owned()
        } else {
            stem(word, lang)
        };
        if seen.insert(term.clone()) {
            out.push(term);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_terms_are_stems_in_each_language() {
        assert_eq!(
            search_terms("Серверы не отвечают"),
            search_terms("сервера не отвечает")
        );
        assert_eq!(search_terms("Сервери, сервер"), search_terms("серверів"));
        assert_eq!(search_terms("Servers failing"), vec!["server", "fail"]);
        assert_eq!(
            search_terms("error 502, ticket #17"),
            vec!["error", "502", "ticket", "17"]
        );
    }

    #[test]
    fn unicode_is_folded() {
        assert_eq!(
            normalise("ＳＥＲＶＥＲ ﬁle Пам’ять Ёлка"),
            "server file пам'ять елка"
        );
    }

    #[test]
    fn languages_from_letters() {
        assert_eq!(
            language(&normalise("Сайт не открывается, выдаёт ошибку")),
            Lang::Ru
        );
        assert_eq!(
            language(&normalise("Сайт не відкривається, видає помилку")),
            Lang::Uk
        );
        assert_eq!(
            language(&normalise("The shop returns 502 on every page")),
            Lang::En
        );
        assert_eq!(
            language(&normalise(
                "Після деплою upstream timed out, nginx error log full of connect() failed"
            )),
            Lang::Mixed
        );
    }

    #[test]
    fn special_tokens_and_stems() {
        let text = normalise(
            "[FIRING:1] HostHighCpuLoad instance=web-2:9100 shop.example.com 502 Bad Gateway 95% ERR_CONNECTION_TIMED_OUT",
        );
        let feats: Vec<String> = tokens(&text, language(&text))
            .into_iter()
            .map(|t| t.feature)
            .collect();
        for want in [
            "s:http_5xx",
            "s:http_502",
            "s:alert",
            "s:host",
            "s:percent",
            "s:err_err_connection_timed_out",
        ] {
            assert!(feats.iter().any(|f| f == want), "{want} in {feats:?}");
        }
        let ru = tokens("серверы упали", Lang::Ru);
        let uk = tokens("сервери впали", Lang::Uk);
        assert_eq!(ru[0].feature, "сервер");
        assert_eq!(uk[0].feature, "сервер");
    }
}

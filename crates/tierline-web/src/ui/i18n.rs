//! Translations (Fluent): English, Russian and Ukrainian, embedded in the binary. A user's own
//! choice wins, then the language cookie, then the browser's `Accept-Language`.

use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// A language the app speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    /// English.
    En,
    /// Russian.
    Ru,
    /// Ukrainian.
    Uk,
}

impl Lang {
    /// Every language, in the order the switcher shows them.
    pub const ALL: [Lang; 3] = [Lang::En, Lang::Uk, Lang::Ru];

    /// The BCP 47 code.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Ru => "ru",
            Lang::Uk => "uk",
        }
    }

    /// The language's own name for itself.
    pub fn native(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Ru => "Русский",
            Lang::Uk => "Українська",
        }
    }

    /// A code as users and cookies give it.
    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim().to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "ru" => Some(Lang::Ru),
            "uk" => Some(Lang::Uk),
            _ => None,
        }
    }

    /// The best match for an `Accept-Language` header, English when nothing matches.
    pub fn negotiate(accept_language: &str) -> Lang {
        // The header's languages in the order of preference it gives; the first we speak wins.
        fluent_langneg::accepted_languages::parse(accept_language)
            .iter()
            .find_map(|l| Lang::parse(l.language.as_str()))
            .unwrap_or(Lang::En)
    }

    fn source(self) -> &'static str {
        match self {
            Lang::En => include_str!("../../locales/en.ftl"),
            Lang::Ru => include_str!("../../locales/ru.ftl"),
            Lang::Uk => include_str!("../../locales/uk.ftl"),
        }
    }
}

type Bundle = FluentBundle<FluentResource>;

/// The bundles, parsed on first use. A file that fails to parse keeps the messages that did;
/// the tests make sure none fails.
fn bundles() -> &'static [Bundle; 3] {
    static B: OnceLock<[Bundle; 3]> = OnceLock::new();
    B.get_or_init(|| {
        Lang::ALL.map(|lang| {
            let id: LanguageIdentifier = lang.code().parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            // Unicode isolation marks would show up in attributes and copied text.
            bundle.set_use_isolating(false);
            let resource = FluentResource::try_new(lang.source().to_owned())
                .unwrap_or_else(|(partial, _)| partial);
            // Duplicates are a test failure, never a reason to show nothing.
            let _ = bundle.add_resource(resource);
            bundle
        })
    })
}

fn bundle(lang: Lang) -> &'static Bundle {
    let index = Lang::ALL.iter().position(|l| *l == lang).unwrap_or(0);
    &bundles()[index]
}

/// Translates for one language: what templates call.
#[derive(Clone, Copy, Debug)]
pub struct Tr(pub Lang);

impl Tr {
    /// The message `key`; English if this language lacks it, the key itself if English does.
    pub fn t(&self, key: &str) -> String {
        self.format(key, None)
    }

    /// The message `key` with one argument.
    pub fn t1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        let mut args = FluentArgs::new();
        args.set(name.to_owned(), FluentValue::from(value.to_string()));
        self.format(key, Some(&args))
    }

    /// The message `key` with several arguments.
    pub fn t_args(&self, key: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
        let mut args = FluentArgs::new();
        for (name, value) in values {
            args.set((*name).to_owned(), FluentValue::from(value.to_string()));
        }
        self.format(key, Some(&args))
    }

    fn format(&self, key: &str, args: Option<&FluentArgs>) -> String {
        for b in [bundle(self.0), bundle(Lang::En)] {
            if let Some(pattern) = b.get_message(key).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                return b.format_pattern(pattern, args, &mut errors).into_owned();
            }
        }
        key.to_owned()
    }

    /// The language.
    pub fn code(&self) -> &'static str {
        self.0.code()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(lang: Lang) -> std::collections::BTreeSet<String> {
        let resource = match FluentResource::try_new(lang.source().to_owned()) {
            Ok(r) => r,
            Err((_, errors)) => panic!("{} does not parse: {errors:?}", lang.code()),
        };
        resource
            .entries()
            .filter_map(|e| match e {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn every_language_has_every_message() {
        let en = keys(Lang::En);
        for lang in [Lang::Ru, Lang::Uk] {
            let other = keys(lang);
            let missing: Vec<_> = en.difference(&other).collect();
            let extra: Vec<_> = other.difference(&en).collect();
            assert!(missing.is_empty(), "{} lacks {missing:?}", lang.code());
            assert!(extra.is_empty(), "{} has unknown {extra:?}", lang.code());
        }
    }

    #[test]
    fn every_message_the_templates_use_exists() {
        let en = keys(Lang::En);
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/templates");
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            for key in message_keys(&text) {
                assert!(
                    en.contains(&key),
                    "{} uses unknown message {key}",
                    path.display()
                );
            }
        }
    }

    /// The keys in `t("…")`, `t1("…"` and `n("…"` calls.
    fn message_keys(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for call in ["t(\"", "t1(\"", "n(\""] {
            let mut rest = text;
            while let Some(i) = rest.find(call) {
                rest = &rest[i + call.len()..];
                if let Some(end) = rest.find('"') {
                    out.push(rest[..end].to_owned());
                }
            }
        }
        out
    }

    #[test]
    fn the_browser_language_decides_when_nothing_else_does() {
        assert_eq!(Lang::negotiate("uk-UA,uk;q=0.9,en;q=0.8"), Lang::Uk);
        assert_eq!(Lang::negotiate("ru-RU,ru;q=0.9"), Lang::Ru);
        assert_eq!(Lang::negotiate("de-DE,fr;q=0.5"), Lang::En);
        assert_eq!(Lang::negotiate(""), Lang::En);
        assert_eq!(Tr(Lang::Uk).t("no-such-message"), "no-such-message");
    }
}

//! The classifier on examples a person can check, and on anything at all.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "tests fail loudly"
)]

use std::sync::OnceLock;

use proptest::prelude::*;
use tierline_classify::{Classifier, Lang};

fn shipped() -> &'static Classifier {
    static C: OnceLock<Classifier> = OnceLock::new();
    C.get_or_init(|| Classifier::shipped().unwrap())
}

#[test]
fn clear_requests_in_three_languages_and_alerts() {
    let c = shipped();
    let cases = [
        (
            "[FIRING:1] HostHighCpuLoad instance=db-1:9100 severity=critical",
            "",
            2,
            Lang::En,
        ),
        (
            "PROBLEM: Zabbix agent on app-3 is unreachable for 5 minutes",
            "",
            2,
            Lang::En,
        ),
        (
            "Сайт полностью не открывается, 502 на всех страницах",
            "",
            3,
            Lang::Ru,
        ),
        ("Атака на сайт, DDoS с тысяч адресов", "", 5, Lang::Ru),
        ("Як додати нове поле у форму замовлення?", "", 6, Lang::Uk),
    ];
    for (subject, body, class, lang) in cases {
        let got = c.classify(subject, body);
        assert_eq!(got.class.number(), class, "{subject}: {got:?}");
        assert_eq!(got.language, lang, "{subject}");
        assert!(!got.reasons.is_empty());
    }
}

#[test]
fn only_the_start_of_a_long_request_is_read() {
    use tierline_classify::{MAX_BODY_CHARS, MAX_SUBJECT_CHARS, MAX_WORD_CHARS};
    let c = shipped();
    let (subject, body) = (
        "Как добавить поле в форму?",
        "Нужно ещё одно поле: телефон.",
    );
    let plain = c.classify(subject, body);
    // Past the limits, even the loudest text changes nothing.
    let outage = " [FIRING:1] сервер лежит 502 DDoS атака down outage".repeat(2000);
    let padded = format!("{body}{}{outage}", " ".repeat(MAX_BODY_CHARS));
    assert_eq!(c.classify(subject, &padded), plain);
    let long_subject = format!("{subject}{}{outage}", " ".repeat(MAX_SUBJECT_CHARS));
    assert_eq!(c.classify(&long_subject, body), plain);
    // A run of letters longer than a word is no word: no stem, no n-grams.
    let blob = format!("{body} {}", "атака".repeat(MAX_WORD_CHARS));
    assert_eq!(c.classify(subject, &blob), plain);
    // And a megabyte of text costs what 20,000 characters do.
    let started = std::time::Instant::now();
    let _ = c.classify(&outage, &outage.repeat(10));
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn a_weak_signal_asks_for_qualification() {
    let got = shipped().classify("Hello", "");
    assert!(got.needs_qualification, "{got:?}");
    assert!(got.reasons.iter().all(|r| !r.is_empty()));
    let strict = shipped().clone().with_threshold(0.0);
    assert!(!strict.classify("Hello", "").needs_qualification);
}

#[test]
fn rules_show_in_the_reasons() {
    let got = shipped().classify(
        "[FIRING:1] NodeFilesystemAlmostFull instance=web-1:9100 disk 97%",
        "",
    );
    assert_eq!(got.class.number(), 2);
    assert!(
        got.reasons.iter().any(|r| r.starts_with("rule «")),
        "{got:?}"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Anything at all gets an answer: no panic, a confidence in [0, 1], the same answer twice.
    #[test]
    fn any_text_gets_a_sane_answer(subject in "\\PC{0,200}", body in "\\PC{0,400}") {
        let a = shipped().classify(&subject, &body);
        prop_assert!((0.0..=1.0).contains(&a.confidence));
        prop_assert!((1..=6).contains(&a.class.number()));
        prop_assert_eq!(a, shipped().classify(&subject, &body));
    }
}

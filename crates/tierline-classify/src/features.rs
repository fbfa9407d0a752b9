//! From a request's text to a sparse vector: hashed words, word pairs, character n-grams and
//! special tokens, the subject counted again under its own prefix because it says the most.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use crate::text::{self, Lang};

/// The number of hashed dimensions.
pub(crate) const DIM: usize = 1 << 18;
/// The weight of a character n-gram against a word, a pair or a concept.
const CHAR_WEIGHT: f32 = 0.3;

/// A sparse, L2-normalised feature vector, with a readable name for the features worth showing.
#[derive(Debug, Clone, Default)]
pub(crate) struct Features {
    pub ids: Vec<u32>,
    pub values: Vec<f32>,
    pub shown: Vec<Option<String>>,
}

fn hash(feature: &str) -> u32 {
    // DefaultHasher::new() has fixed keys: the same feature always lands in the same place.
    let mut h = DefaultHasher::new();
    feature.hash(&mut h);
    u32::try_from(h.finish() % DIM as u64).unwrap_or(0)
}

/// The features of a request and the language it was read in.
pub(crate) fn extract(subject: &str, body: &str) -> (Features, Lang) {
    // Training reads as much as classifying does (`Classifier::classify`).
    let subject = crate::head(subject, crate::MAX_SUBJECT_CHARS);
    let body = crate::head(body, crate::MAX_BODY_CHARS);
    let (subject, body) = (text::normalise(subject), text::normalise(body));
    let lang = text::language(&format!("{subject} {body}"));
    let mut counts: HashMap<u32, (f32, Option<String>)> = HashMap::new();
    let mut gram_ids: Vec<u32> = Vec::new();
    let mut add = |feature: String, shown: Option<String>| {
        let e = counts.entry(hash(&feature)).or_insert((0.0, None));
        e.0 += 1.0;
        if e.1.is_none() {
            e.1 = shown;
        }
    };
    for (field, prefix) in [(&subject, "t"), (&body, "b")] {
        let tokens = text::tokens(field, lang);
        for t in &tokens {
            if !t.feature.starts_with("s:") {
                for concept in crate::concepts::concepts_of(&t.shown) {
                    add(format!("k:{concept}"), Some(format!("about {concept}")));
                    if prefix == "t" {
                        add(format!("tk:{concept}"), Some(format!("about {concept}")));
                    }
                }
            }
            let shown = if t.feature.starts_with("s:") {
                t.shown.clone()
            } else {
                format!("«{}»", t.shown)
            };
            add(format!("w:{}", t.feature), Some(shown.clone()));
            if prefix == "t" {
                add(format!("t:{}", t.feature), Some(shown));
            }
        }
        let words: Vec<&text::Token> = tokens
            .iter()
            .filter(|t| !t.feature.starts_with("s:"))
            .collect();
        for pair in words.windows(2) {
            add(
                format!("p:{}_{}", pair[0].feature, pair[1].feature),
                Some(format!("«{} {}»", pair[0].shown, pair[1].shown)),
            );
        }
        for w in &words {
            let chars: Vec<char> = format!("<{}>", w.shown).chars().collect();
            for n in 3..=4 {
                for gram in chars.windows(n) {
                    // Hashed from the characters directly: no string per n-gram.
                    let mut h = DefaultHasher::new();
                    "c:".hash(&mut h);
                    gram.hash(&mut h);
                    gram_ids.push(u32::try_from(h.finish() % DIM as u64).unwrap_or(0));
                }
            }
        }
    }
    for id in gram_ids {
        counts.entry(id).or_insert((0.0, None)).0 += 1.0;
    }
    let mut entries: Vec<(u32, f32, Option<String>)> = counts
        .into_iter()
        .map(|(id, (c, s))| {
            // Character n-grams are many and each says little: they help with spelling and
            // morphology without drowning the words and concepts.
            let w = if s.is_none() { CHAR_WEIGHT } else { 1.0 };
            (id, w * (1.0 + c).ln(), s)
        })
        .collect();
    entries.sort_unstable_by_key(|e| e.0);
    let norm = entries
        .iter()
        .map(|e| e.1 * e.1)
        .sum::<f32>()
        .sqrt()
        .max(1e-6);
    let mut f = Features::default();
    for (id, v, s) in entries {
        f.ids.push(id);
        f.values.push(v / norm);
        f.shown.push(s);
    }
    (f, lang)
}

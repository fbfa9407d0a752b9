//! Automatic classification of incoming requests into the six classes of SPEC §1.
//!
//! Text in Russian, Ukrainian or English (mixed too) and machine alerts go in; a class, a
//! confidence and the reasons that decided come out. Two parts work together: a statistical
//! model (multinomial logistic regression over word stems, word pairs, character n-grams,
//! domain concepts named in all three languages, and tokens for status codes, hosts and alerts)
//! trained on a labelled set and on agents' corrections, and rules that administrators can read
//! and edit, which add weight to a class.
//! Below a confidence threshold the answer is marked as needing qualification instead of being a
//! confident mistake. Pure code: the caller supplies the examples and the rules.

mod concepts;
mod data;
mod eval;
mod features;
mod model;
mod rules;
mod text;

pub use data::{DataError, Example, parse_examples};
pub use eval::{Report, cross_validate, evaluate};
pub use rules::{Rule, RuleError, RuleSpec, default_rules};
pub use text::{Lang, search_terms};

use tierline_domain::Class;

/// The labelled set written by the team, shipped in the binary.
pub const TEAM_SET: &str = include_str!("../data/requests.jsonl");

/// The most of a subject that is read, in characters.
pub const MAX_SUBJECT_CHARS: usize = 1_000;
/// The most of a body that is read, in characters. What decides a class is said early, and the
/// cost of reading grows with the text (normalising, tokens, word pairs, character n-grams, the
/// rules' patterns): a body of the store's 100,000 characters, or a form field of megabytes
/// before the store refuses it, is read only this far.
pub const MAX_BODY_CHARS: usize = 20_000;
/// Longer runs of letters are not words (a hash, base64, a minified line) and are not read:
/// stemming and n-grams of them only cost time.
pub const MAX_WORD_CHARS: usize = 64;

/// The first `max` characters of `s`.
pub(crate) fn head(s: &str, max: usize) -> &str {
    s.char_indices().nth(max).map_or(s, |(end, _)| &s[..end])
}

/// Below this confidence a request goes to line 1 as "needs qualification".
pub const DEFAULT_THRESHOLD: f32 = 0.5;

/// What the classifier says about one request.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Classification {
    /// The best class.
    pub class: Class,
    /// Its probability in the model, after the rules, in `[0, 1]`.
    pub confidence: f32,
    /// The words, tokens and rules that weighed most for it.
    pub reasons: Vec<String>,
    /// Whether the confidence is under the threshold: line 1 should qualify it.
    pub needs_qualification: bool,
    /// The language the text was read as.
    pub language: Lang,
}

/// A trained classifier with its rules.
#[derive(Debug, Clone)]
pub struct Classifier {
    model: model::Model,
    rules: Vec<Rule>,
    threshold: f32,
}

impl Classifier {
    /// Trains on `examples` and keeps `rules`.
    pub fn train(examples: &[Example], rules: Vec<Rule>) -> Classifier {
        let analysed: Vec<(features::Features, usize)> = examples
            .iter()
            .map(|e| {
                (
                    features::extract(&e.subject, &e.body).0,
                    usize::from(e.class.number() - 1),
                )
            })
            .collect();
        Classifier {
            model: model::Model::train(&analysed),
            rules,
            threshold: DEFAULT_THRESHOLD,
        }
    }

    /// The classifier the product ships: the team's set and the default rules.
    pub fn shipped() -> Result<Classifier, DataError> {
        Ok(Classifier::train(
            &parse_examples(TEAM_SET)?,
            default_rules(),
        ))
    }

    /// The confidence under which a request needs qualification.
    pub fn with_threshold(mut self, threshold: f32) -> Classifier {
        self.threshold = threshold.clamp(0.0, 1.0);
        self
    }

    /// The same model with other rules: rules apply when classifying, so no retraining is needed.
    pub fn with_rules(&self, rules: Vec<Rule>) -> Classifier {
        Classifier {
            model: self.model.clone(),
            rules,
            threshold: self.threshold,
        }
    }

    /// The rules in use.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Classifies one request, reading at most [`MAX_SUBJECT_CHARS`] and [`MAX_BODY_CHARS`] of it.
    pub fn classify(&self, subject: &str, body: &str) -> Classification {
        let (subject, body) = (head(subject, MAX_SUBJECT_CHARS), head(body, MAX_BODY_CHARS));
        let (feats, lang) = features::extract(subject, body);
        let mut scores = self.model.scores(&feats);
        let text = format!("{subject}\n{body}");
        let mut fired = Vec::new();
        for rule in &self.rules {
            if rule.matches(&text) {
                scores[usize::from(rule.class.number() - 1)] += rule.weight;
                fired.push(rule);
            }
        }
        let probs = model::softmax(&scores);
        let best = (0..6)
            .max_by(|&a, &b| probs[a].total_cmp(&probs[b]))
            .unwrap_or(5);
        let class = Class::ALL[best];
        let mut reasons: Vec<String> = fired
            .iter()
            .filter(|r| r.class == class)
            .map(|r| format!("rule «{}»", r.name))
            .collect();
        reasons.extend(self.model.explain(&feats, best, 4));
        if reasons.is_empty() {
            reasons.push("no strong signal; the most likely class overall".to_owned());
        }
        let confidence = probs[best];
        Classification {
            class,
            confidence,
            reasons,
            needs_qualification: confidence < self.threshold,
            language: lang,
        }
    }
}

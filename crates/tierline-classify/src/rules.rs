//! Rules administrators can read and edit: a pattern, the class it points to, and how much.
//!
//! A rule adds its weight to its class's score before the probabilities are taken, so a strong
//! rule can decide on its own and a weak one tips a close call. The shipped set covers what is
//! unambiguous in machine alerts and in the words people use for attacks, providers and
//! questions; the model does the rest.

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};
use tierline_domain::Class;

/// A rule that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// The pattern is not a valid regular expression.
    #[error("rule {name:?}: invalid pattern: {message}")]
    Pattern {
        /// The rule's name.
        name: String,
        /// What the regex parser said.
        message: String,
    },
    /// The weight is out of range.
    #[error("rule {0:?}: weight must be between -10 and 10")]
    Weight(String),
}

/// A rule as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleSpec {
    /// What it is about, for people.
    pub name: String,
    /// A case-insensitive regular expression over subject and body.
    pub pattern: String,
    /// The class it points to.
    pub class: Class,
    /// How much it adds to that class's score, in hundredths (150 = 1.5).
    pub weight: i32,
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub struct Rule {
    /// What it is about.
    pub name: String,
    /// The class it points to.
    pub class: Class,
    /// How much it adds to that class's score.
    pub weight: f32,
    regex: Regex,
    spec: RuleSpec,
}

impl Rule {
    /// Compiles a rule.
    pub fn new(spec: RuleSpec) -> Result<Rule, RuleError> {
        if !(-1000..=1000).contains(&spec.weight) {
            return Err(RuleError::Weight(spec.name));
        }
        let regex = RegexBuilder::new(&spec.pattern)
            .case_insensitive(true)
            .size_limit(1 << 20)
            .build()
            .map_err(|e| RuleError::Pattern {
                name: spec.name.clone(),
                message: e.to_string(),
            })?;
        #[allow(clippy::cast_precision_loss, reason = "weights are small integers")]
        let weight = spec.weight as f32 / 100.0;
        Ok(Rule {
            name: spec.name.clone(),
            class: spec.class,
            weight,
            regex,
            spec,
        })
    }

    /// Whether it applies to a text.
    pub fn matches(&self, text: &str) -> bool {
        self.regex.is_match(text)
    }

    /// The rule as stored.
    pub fn spec(&self) -> &RuleSpec {
        &self.spec
    }
}

/// The shipped rules.
pub fn default_rules() -> Vec<Rule> {
    let specs: [(&str, &str, u8, i32); 8] = [
        (
            "alert about a host's resources or reachability",
            r"(\[firing|problem:|\[alerting\]).*(cpu|load|memory|\bram\b|oom|disk|inode|swap|unreachable|icmp|ping|node ?down|hostdown|instancedown|filesystem)",
            2,
            200,
        ),
        (
            "alert that a site's HTTP check fails",
            r"(\[firing|problem:|\[alerting\]).*(http check|web scenario|probe ?failed|endpoint ?down|site ?down|blackbox|returned 50[234])",
            3,
            150,
        ),
        (
            "server does not answer",
            r"(сервер|server|vps|виртуалк|віртуалк).{0,40}(не отвечает|не відповідає|not respond|unreachable|недоступ|не пингуется|не пінгується|down)",
            2,
            80,
        ),
        (
            "attack, malware or intrusion",
            r"ddos|брутфорс|brute.?force|sql.?injection|sql-инъекц|xss|вирус|вірус|malware|троян|trojan|взлом|злам|hacked|deface|майнер|miner|phishing|фишинг|фішинг",
            5,
            150,
        ),
        (
            "hosting provider or third party",
            r"хостинг|hosting|провайдер|provider|hoster|датацентр|дата-центр|data ?cent(er|re)|hetzner|digitalocean|ovh|aws (outage|incident)|cloudflare|registrar|регистратор|реєстратор|upstream provider",
            1,
            100,
        ),
        (
            "a question or a request for a change",
            r"^(как |як |how |can you|could you|подскажите|підкажіть|please add|добавьте|додайте|нужно добавить|треба додати|можно ли|чи можна|is it possible|what is|что такое|що таке)",
            6,
            100,
        ),
        (
            "documentation or access",
            r"документац|documentation|инструкц|інструкц|manual|доступ для|access for|права доступа|права доступу|оценк|оцінк|estimate",
            6,
            80,
        ),
        (
            "a resolved alert is a recovery, not a new fault",
            r"^\[resolved|^resolved:|^ok:",
            6,
            -50,
        ),
    ];
    specs
        .into_iter()
        .filter_map(|(name, pattern, class, weight)| {
            let class = Class::try_from(i64::from(class)).ok()?;
            Rule::new(RuleSpec {
                name: name.to_owned(),
                pattern: pattern.to_owned(),
                class,
                weight,
            })
            .ok()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_rules_compile_and_bad_ones_are_refused() {
        assert_eq!(default_rules().len(), 8);
        let class = Class::try_from(2).unwrap();
        let bad = Rule::new(RuleSpec {
            name: "x".into(),
            pattern: "(".into(),
            class,
            weight: 10,
        })
        .unwrap_err();
        assert!(bad.to_string().contains("invalid pattern"), "{bad}");
        assert!(
            Rule::new(RuleSpec {
                name: "x".into(),
                pattern: "a".into(),
                class,
                weight: 5000
            })
            .is_err()
        );
    }
}

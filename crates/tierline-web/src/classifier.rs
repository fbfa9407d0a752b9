//! The classifier the desk uses: trained on the team's set plus every correction agents made,
//! with the rules administrators set, on first use and again after each change.

use std::sync::Arc;

use tierline_classify::{
    Classifier, Example, Rule, RuleError, RuleSpec, default_rules, parse_examples,
};
use tierline_store::{Store, StoredRule};
use tokio::sync::RwLock;

use crate::ApiError;

/// Holds the current classifier; retraining replaces it without stopping anyone.
#[derive(Debug)]
pub struct ClassifierService {
    current: RwLock<Option<Arc<Classifier>>>,
    threshold: f32,
}

impl Default for ClassifierService {
    fn default() -> Self {
        ClassifierService::with_threshold(tierline_classify::DEFAULT_THRESHOLD)
    }
}

/// Compiles stored rules, saying which one is wrong.
pub fn compile(rules: &[StoredRule]) -> Result<Vec<Rule>, (usize, RuleError)> {
    rules
        .iter()
        .enumerate()
        .map(|(i, r)| {
            Rule::new(RuleSpec {
                name: r.name.clone(),
                pattern: r.pattern.clone(),
                class: r.class,
                weight: r.weight,
            })
            .map_err(|e| (i, e))
        })
        .collect()
}

/// The shipped rules in their stored form.
pub fn shipped_rules() -> Vec<StoredRule> {
    default_rules()
        .iter()
        .map(|r| {
            let s = r.spec();
            StoredRule {
                name: s.name.clone(),
                pattern: s.pattern.clone(),
                class: s.class,
                weight: s.weight,
            }
        })
        .collect()
}

async fn build(store: &Store, threshold: f32) -> Result<Classifier, ApiError> {
    let mut examples = parse_examples(tierline_classify::TEAM_SET).map_err(ApiError::internal)?;
    examples.extend(
        store
            .training_examples()
            .await?
            .into_iter()
            .map(|e| Example {
                subject: e.subject,
                body: e.body,
                class: e.class,
            }),
    );
    let rules = match store.classifier_rules().await? {
        Some(stored) => compile(&stored)
            .map_err(|(i, e)| ApiError::internal(format!("stored rule {i}: {e}")))?,
        None => default_rules(),
    };
    // Training takes a moment of CPU: off the async workers.
    tokio::task::spawn_blocking(move || {
        Classifier::train(&examples, rules).with_threshold(threshold)
    })
    .await
    .map_err(ApiError::internal)
}

impl ClassifierService {
    /// A service whose classifier marks answers under `threshold` as needing qualification.
    pub fn with_threshold(threshold: f32) -> ClassifierService {
        ClassifierService {
            current: RwLock::new(None),
            threshold: threshold.clamp(0.0, 1.0),
        }
    }

    /// The current classifier, trained now if there is none yet.
    pub async fn get(&self, store: &Store) -> Result<Arc<Classifier>, ApiError> {
        if let Some(c) = self.current.read().await.as_ref() {
            return Ok(c.clone());
        }
        let mut slot = self.current.write().await;
        if let Some(c) = slot.as_ref() {
            return Ok(c.clone());
        }
        let c = Arc::new(build(store, self.threshold).await?);
        *slot = Some(c.clone());
        Ok(c)
    }

    /// Puts new rules in force at once; the model stays as it is.
    pub async fn set_rules(&self, store: &Store, rules: Vec<Rule>) -> Result<(), ApiError> {
        let current = self.get(store).await?;
        *self.current.write().await = Some(Arc::new(current.with_rules(rules)));
        Ok(())
    }

    /// Retrains in the background after a correction.
    pub fn retrain(self: &Arc<Self>, store: Store) {
        let me = self.clone();
        tokio::spawn(async move {
            match build(&store, me.threshold).await {
                Ok(c) => *me.current.write().await = Some(Arc::new(c)),
                Err(e) => {
                    tracing::error!(error = %e, "retraining the classifier failed; the previous one stays");
                }
            }
        });
    }
}

//! The classifier the desk uses: trained on the team's set plus every correction agents made,
//! with the rules administrators set, on first use and again after each change.

use std::sync::Arc;

use tierline_classify::{
    Classifier, Example, Rule, RuleError, RuleSpec, default_rules, parse_examples,
};
use tierline_store::{Store, StoredRule};
use tokio::sync::RwLock;

use crate::DeskError;

/// Holds the current classifier; retraining replaces it without stopping anyone.
#[derive(Debug)]
pub struct ClassifierService {
    current: RwLock<Option<Arc<Classifier>>>,
    threshold: f32,
    /// The store's (corrections, rules version) the current classifier was built from.
    built_from: std::sync::Mutex<(i64, i64)>,
    /// When the store was last asked whether that changed, and how often to ask.
    checked: std::sync::Mutex<std::time::Instant>,
    refresh: std::time::Duration,
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

/// How often a node looks for other nodes' corrections and rules.
const REFRESH: std::time::Duration = std::time::Duration::from_secs(30);

async fn build(store: &Store, threshold: f32) -> Result<(Classifier, (i64, i64)), DeskError> {
    // Read before the inputs: a change made meanwhile makes the next check retrain again.
    let inputs = store.classifier_inputs().await?;
    let mut examples = parse_examples(tierline_classify::TEAM_SET)
        .map_err(|e| DeskError::Classifier(e.to_string()))?;
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
            .map_err(|(i, e)| DeskError::Classifier(format!("stored rule {i}: {e}")))?,
        None => default_rules(),
    };
    // Training takes a moment of CPU: off the async workers.
    let classifier = tokio::task::spawn_blocking(move || {
        Classifier::train(&examples, rules).with_threshold(threshold)
    })
    .await
    .map_err(|e| DeskError::Classifier(e.to_string()))?;
    Ok((classifier, inputs))
}

impl ClassifierService {
    /// A service whose classifier marks answers under `threshold` as needing qualification.
    pub fn with_threshold(threshold: f32) -> ClassifierService {
        ClassifierService {
            current: RwLock::new(None),
            threshold: threshold.clamp(0.0, 1.0),
            built_from: std::sync::Mutex::new((0, 0)),
            checked: std::sync::Mutex::new(std::time::Instant::now()),
            refresh: REFRESH,
        }
    }

    /// How often to look for corrections and rules another node stored (30 s by default).
    pub fn with_refresh(mut self, every: std::time::Duration) -> ClassifierService {
        self.refresh = every;
        self
    }

    /// The (corrections, rules version) the current classifier was built from.
    pub fn built_from(&self) -> (i64, i64) {
        self.built_from.lock().map_or((0, 0), |b| *b)
    }

    /// Whether it is time to ask the store, and marks the asking.
    fn due_for_check(&self) -> bool {
        let Ok(mut at) = self.checked.lock() else {
            return false;
        };
        if at.elapsed() < self.refresh {
            return false;
        }
        *at = std::time::Instant::now();
        true
    }

    /// The current classifier, trained now if there is none yet.
    pub async fn get(self: &Arc<Self>, store: &Store) -> Result<Arc<Classifier>, DeskError> {
        if let Some(c) = self.current.read().await.as_ref() {
            // Another node may have stored corrections or rules since: look now and then.
            if self.due_for_check() && store.classifier_inputs().await? != self.built_from() {
                self.retrain(store.clone());
            }
            return Ok(c.clone());
        }
        let mut slot = self.current.write().await;
        if let Some(c) = slot.as_ref() {
            return Ok(c.clone());
        }
        let (c, inputs) = build(store, self.threshold).await?;
        let c = Arc::new(c);
        *slot = Some(c.clone());
        self.remember(inputs);
        Ok(c)
    }

    /// Classifies a new request as the desk records it.
    pub async fn classify(
        self: &Arc<Self>,
        store: &Store,
        subject: &str,
        body: &str,
    ) -> Result<tierline_store::AutoClass, DeskError> {
        let verdict = self.get(store).await?.classify(subject, body);
        Ok(tierline_store::AutoClass {
            class: verdict.class,
            confidence: verdict.confidence,
            reasons: verdict.reasons,
            needs_qualification: verdict.needs_qualification,
        })
    }

    /// Puts new rules in force at once; the model stays as it is.
    pub async fn set_rules(
        self: &Arc<Self>,
        store: &Store,
        rules: Vec<Rule>,
    ) -> Result<(), DeskError> {
        let current = self.get(store).await?;
        let mut slot = self.current.write().await;
        *slot = Some(Arc::new(current.with_rules(rules)));
        self.remember(store.classifier_inputs().await?);
        Ok(())
    }

    fn remember(&self, inputs: (i64, i64)) {
        if let Ok(mut b) = self.built_from.lock() {
            *b = inputs;
        }
    }

    /// One round of looking for corrections and rules stored elsewhere (another node, a page of
    /// this one): retrains and installs when they changed, else does nothing. The jobs'
    /// `classifier_refresh` task runs it every 30 s.
    pub async fn refresh(self: &Arc<Self>, store: &Store) -> Result<bool, DeskError> {
        if self.current.read().await.is_none() {
            // Nothing trained yet: the first use trains from what is stored then.
            return Ok(false);
        }
        if store.classifier_inputs().await? == self.built_from() {
            return Ok(false);
        }
        let (c, inputs) = build(store, self.threshold).await?;
        let mut slot = self.current.write().await;
        // Install only what is still current, as `retrain` does.
        if store.classifier_inputs().await? == inputs {
            *slot = Some(Arc::new(c));
            self.remember(inputs);
        }
        Ok(true)
    }

    /// Retrains in the background after a correction.
    pub fn retrain(self: &Arc<Self>, store: Store) {
        let me = self.clone();
        tokio::spawn(async move {
            match build(&store, me.threshold).await {
                Ok((c, inputs)) => {
                    // Install only what is still current: a rules change or a correction that
                    // landed while this one trained must not be undone by it.
                    let mut slot = me.current.write().await;
                    match store.classifier_inputs().await {
                        Ok(now) if now == inputs => {
                            *slot = Some(Arc::new(c));
                            me.remember(inputs);
                        }
                        Ok(_) => {
                            drop(slot);
                            me.retrain(store);
                        }
                        Err(e) => {
                            tracing::error!(error = %e, "the classifier's inputs could not be read; the previous one stays");
                        }
                    }
                }
                Err(e) => {
                    tracing::error!(error = %e, "retraining the classifier failed; the previous one stays");
                }
            }
        });
    }
}

//! What classification needs from storage: the agents' corrections as training examples, and
//! the rules administrators edit. The classifying itself is `tierline-classify`'s.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;
use tierline_domain::Class;

use crate::{Store, StoreError, Viewer, audit};

/// What the classifier said about a new ticket, recorded with it.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AutoClass {
    /// The class it chose.
    pub class: Class,
    /// How sure it was, in `[0, 1]`.
    pub confidence: f32,
    /// The words, tokens and rules that decided.
    pub reasons: Vec<String>,
    /// Below the threshold: line 1 qualifies it.
    pub needs_qualification: bool,
}

/// A classification rule as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StoredRule {
    /// What it is about.
    pub name: String,
    /// A case-insensitive regular expression over subject and body.
    pub pattern: String,
    /// The class it points to.
    pub class: Class,
    /// What it adds to the class's score, in hundredths.
    pub weight: i32,
}

/// A labelled example for training.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainingExample {
    /// Subject.
    pub subject: String,
    /// Body.
    pub body: String,
    /// The class an agent gave it.
    pub class: Class,
}

impl Store {
    /// The corrections agents made, oldest first: each class change is a training example.
    pub async fn training_examples(&self) -> Result<Vec<TrainingExample>, StoreError> {
        let rows = sqlx::query("SELECT subject, body, class FROM classifier_examples ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                Ok(TrainingExample {
                    subject: r.try_get("subject")?,
                    body: r.try_get("body")?,
                    class: Class::try_from(r.try_get::<i64, _>("class")?)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                })
            })
            .collect()
    }

    /// What a classifier is built from, in two numbers: the corrections stored and the version of
    /// the rules. A node whose classifier was built from other numbers is out of date.
    pub async fn classifier_inputs(&self) -> Result<(i64, i64), StoreError> {
        let examples: i64 = sqlx::query("SELECT COUNT(*) AS n FROM classifier_examples")
            .fetch_one(&self.pool)
            .await?
            .try_get("n")?;
        let version =
            sqlx::query("SELECT value FROM settings WHERE key = 'classifier_rules_version'")
                .fetch_optional(&self.pool)
                .await?
                .map(|r| r.try_get::<String, _>("value"))
                .transpose()?
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
        Ok((examples, version))
    }

    /// The rules, in order; `None` if they were never set (the shipped ones apply then).
    pub async fn classifier_rules(&self) -> Result<Option<Vec<StoredRule>>, StoreError> {
        let set = sqlx::query("SELECT value FROM settings WHERE key = 'classifier_rules_set'")
            .fetch_optional(&self.pool)
            .await?;
        if set.is_none() {
            return Ok(None);
        }
        let rows = sqlx::query(
            "SELECT name, pattern, class, weight FROM classifier_rules ORDER BY position",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(StoredRule {
                    name: r.try_get("name")?,
                    pattern: r.try_get("pattern")?,
                    class: Class::try_from(r.try_get::<i64, _>("class")?)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                    weight: i32::try_from(r.try_get::<i64, _>("weight")?)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()
            .map(Some)
    }

    /// Replaces the rules (administrators only); the caller has checked that they compile.
    pub async fn set_classifier_rules(
        &self,
        viewer: &Viewer,
        rules: &[StoredRule],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        viewer.require_admin()?;
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM classifier_rules")
            .execute(&mut *tx)
            .await?;
        for (i, r) in rules.iter().enumerate() {
            sqlx::query("INSERT INTO classifier_rules (position, name, pattern, class, weight) VALUES ($1, $2, $3, $4, $5)")
                .bind(i64::try_from(i).unwrap_or(i64::MAX))
                .bind(&r.name)
                .bind(&r.pattern)
                .bind(i64::from(r.class.number()))
                .bind(i64::from(r.weight))
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("INSERT INTO settings (key, value) VALUES ('classifier_rules_set', '1') ON CONFLICT (key) DO NOTHING").execute(&mut *tx).await?;
        // A version every node can compare with what its classifier was built from.
        sqlx::query(
            "INSERT INTO settings (key, value) VALUES ('classifier_rules_version', '1') ON CONFLICT (key) \
             DO UPDATE SET value = CAST(CAST(settings.value AS BIGINT) + 1 AS TEXT)",
        )
        .execute(&mut *tx)
        .await?;
        audit::record(
            &mut tx,
            now,
            Some(viewer.user_id),
            "classifier.rules",
            "classifier",
            &json!({"rules": rules.len()}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

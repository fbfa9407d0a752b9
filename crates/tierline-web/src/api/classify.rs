//! The classifier through the API: try it on a text, and read or replace its rules.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use tierline_desk::StoredRule;

use crate::auth::Auth;
use crate::extract::ApiJson;
use crate::{ApiError, AppState};
use tierline_desk::classifier::{compile, shipped_rules};

const PROBLEM: &str = "A problem: what is wrong, and with which field";

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClassifyBody {
    subject: String,
    #[serde(default)]
    body: String,
}

/// The classifier's answer.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct Verdict {
    class: tierline_domain::Class,
    confidence: f32,
    reasons: Vec<String>,
    needs_qualification: bool,
    language: String,
}

#[utoipa::path(post, path = "/api/v1/classify", tag = "classifier", summary = "Classify a text without recording anything (staff)", request_body = ClassifyBody, responses((status = 200, description = "The class, confidence and reasons", body = Verdict), (status = "4XX", description = PROBLEM, body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn classify(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiJson(b): ApiJson<ClassifyBody>,
) -> Result<Json<Verdict>, ApiError> {
    if !v.is_staff() {
        return Err(ApiError::Forbidden(
            "only agents and administrators may do this".to_owned(),
        ));
    }
    let c = s.desk.classify_text(&b.subject, &b.body).await?;
    let language = serde_json::to_value(c.language)
        .ok()
        .and_then(|l| l.as_str().map(str::to_owned))
        .unwrap_or_default();
    Ok(Json(Verdict {
        class: c.class,
        confidence: c.confidence,
        reasons: c.reasons,
        needs_qualification: c.needs_qualification,
        language,
    }))
}

#[utoipa::path(get, path = "/api/v1/classifier/rules", tag = "classifier", summary = "The classification rules in force (staff)", responses((status = 200, description = "The rules, in order", body = Vec<StoredRule>), (status = "4XX", description = PROBLEM, body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn rules(
    State(s): State<AppState>,
    Auth(v): Auth,
) -> Result<Json<Vec<StoredRule>>, ApiError> {
    if !v.is_staff() {
        return Err(ApiError::Forbidden(
            "only agents and administrators may do this".to_owned(),
        ));
    }
    Ok(Json(
        s.desk
            .classifier_rules()
            .await?
            .unwrap_or_else(shipped_rules),
    ))
}

#[utoipa::path(put, path = "/api/v1/classifier/rules", tag = "classifier", summary = "Replace the classification rules (administrators); the classifier retrains", request_body = Vec<StoredRule>, responses((status = 200, description = "The rules now in force", body = Vec<StoredRule>), (status = "4XX", description = PROBLEM, body = crate::error::Problem, content_type = "application/problem+json")), security(("bearer" = [])))]
pub async fn set_rules(
    State(s): State<AppState>,
    Auth(v): Auth,
    ApiJson(rules): ApiJson<Vec<StoredRule>>,
) -> Result<Json<Vec<StoredRule>>, ApiError> {
    if rules.len() > 500 {
        return Err(ApiError::field("rules", "at most 500 rules"));
    }
    let compiled =
        compile(&rules).map_err(|(i, e)| ApiError::field(&format!("rules[{i}]"), e.to_string()))?;
    s.desk
        .set_classifier_rules(&v, &rules, compiled, s.clock.now())
        .await?;
    Ok(Json(rules))
}

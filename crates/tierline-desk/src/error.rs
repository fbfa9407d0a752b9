//! Why a use case failed: the store refused or failed, a rule of the workflow refused, or the
//! classifier could not be built. The web maps these in its one error mapping.

use tierline_domain::workflow::Refusal;
use tierline_store::StoreError;

/// A use case's failure.
#[derive(Debug, thiserror::Error)]
pub enum DeskError {
    /// The store refused (not found, forbidden, invalid, a conflict, a limit) or failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A rule of the workflow refused the request.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// The classifier could not be built or run: a server fault, never the caller's.
    #[error("the classifier: {0}")]
    Classifier(String),
}

impl DeskError {
    /// A value that breaks a rule, with the field it belongs to.
    pub fn invalid(field: &'static str, message: impl Into<String>) -> DeskError {
        DeskError::Refused(Refusal::invalid(field, message))
    }
}

//! tierline's application layer: one function per use case, called by every front-end (the
//! API, the pages, and next the mail channel), so that a rule or a side effect is written once.
//!
//! [`Desk::open_request`] opens a request from any channel, [`Desk::change`] changes a ticket
//! whatever the command, and the read models are what the pages and the API show. The store
//! stays behind the desk: the front-ends see its types (re-exported here) and never the
//! [`Store`] itself.

mod admin;
mod change;
pub mod classifier;
mod error;
mod monitoring;
mod open;
mod reads;
mod sessions;

use std::sync::Arc;

use jiff::Timestamp;
use tierline_store::Store;

pub use change::Changed;
pub use classifier::ClassifierService;
pub use error::DeskError;
pub use open::{NewRequest, Opened};

// The store's types the front-ends show or fill in; its `Store` is not among them.
pub use tierline_domain::workflow::{Command, Milestone, NewFile, NewTimeEntry, VendorBlock};
pub use tierline_store::{
    AlertOutcome, Attachment, AutoClass, Availability, Clock, ConsultationUsage, ContractVersion,
    ContractVersionId, CreatedMonitor, Customer, CustomerId, DeskStats, Group, Incident, Lead,
    MAX_ATTACHMENT_BYTES, MIN_PASSWORD_CHARS, MaintenanceWindow, Monitor, MonitorId,
    MonitorSettings, NewMaintenance, NewSession, NewUser, Prefs, Role, SESSION_LIFETIME,
    StoreError, StoredRule, System, SystemClock, SystemId, Ticket, TicketChange, TicketEvent,
    TicketFilter, TicketId, TicketPage, TimeEntry, TokenId, TokenInfo, UploadLimits, UploadRefusal,
    User, UserChange, UserId, Viewer, secrets,
};

/// What the pass-through modules name: the store's types and the domain's few they take.
mod prelude {
    pub(crate) use crate::{Desk, DeskError};
    pub(crate) use jiff::Timestamp;
    pub(crate) use jiff::civil::Date;
    pub(crate) use tierline_domain::alerts::Alert;
    pub(crate) use tierline_domain::availability::Period;
    pub(crate) use tierline_domain::contract::ContractTerms;
    pub(crate) use tierline_domain::ticket::TicketClock;
    pub(crate) use tierline_store::*;
}

/// The desk: the store, the classifier and the clock every use case needs.
#[derive(Clone)]
pub struct Desk {
    store: Store,
    classifier: Arc<ClassifierService>,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for Desk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Desk")
            .field("store", &self.store)
            .field("classifier", &self.classifier)
            .finish_non_exhaustive()
    }
}

impl Desk {
    /// A desk over `store`, classifying with `classifier`, reading the time from `clock`.
    pub fn new(store: Store, classifier: Arc<ClassifierService>, clock: Arc<dyn Clock>) -> Desk {
        Desk {
            store,
            classifier,
            clock,
        }
    }

    /// Now, by the desk's clock: the front-ends' one source of the time.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// The clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.clock
    }

    /// The classifier service.
    pub fn classifier(&self) -> &Arc<ClassifierService> {
        &self.classifier
    }

    /// The same desk with other upload limits (tests, and a configuration once there is one).
    pub fn with_upload_limits(mut self, limits: UploadLimits) -> Desk {
        self.store = self.store.with_upload_limits(limits);
        self
    }

    /// One round of the classifier's refresh (the jobs' `classifier_refresh` task, every 30 s): retrains if corrections or rules
    /// were stored elsewhere; `true` if it retrained.
    pub async fn refresh_classifier(&self) -> Result<bool, DeskError> {
        self.classifier.refresh(&self.store).await
    }

    /// Classifies a text as a new request would be (the API's classification endpoint).
    pub async fn classify(&self, subject: &str, body: &str) -> Result<AutoClass, DeskError> {
        self.classifier.classify(&self.store, subject, body).await
    }

    /// The classifier's full answer for a text, without recording anything.
    pub async fn classify_text(
        &self,
        subject: &str,
        body: &str,
    ) -> Result<tierline_classify::Classification, DeskError> {
        Ok(self
            .classifier
            .get(&self.store)
            .await?
            .classify(subject, body))
    }

    /// Stores the classifier's rules and puts them in force at once.
    pub async fn set_classifier_rules(
        &self,
        viewer: &Viewer,
        stored: &[StoredRule],
        rules: Vec<tierline_classify::Rule>,
        now: Timestamp,
    ) -> Result<(), DeskError> {
        self.store.set_classifier_rules(viewer, stored, now).await?;
        self.classifier.set_rules(&self.store, rules).await
    }
}

//! tierline's storage: SQLite (a file, the default) and PostgreSQL behind one API.
//!
//! One implementation over sqlx's `Any` driver, with SQL both backends accept (`$n`
//! placeholders, `RETURNING`, `NULLS LAST`); what they spell differently is asked of `dialect`,
//! dynamic queries are put together with `sql::Sql` (placeholders numbered as values are bound),
//! and one migrations folder per backend holds their DDL (the store's tests check that both
//! define the same schema). Tenant isolation lives here: every read and write takes the
//! [`Viewer`] it is done for, and another organisation's objects are simply not found.

mod alerts;
mod attachments;
pub use attachments::{Attachment, MAX_ATTACHMENT_BYTES, NewAttachment};
mod audit;
mod availability;
mod batch;
mod changes;
pub use changes::TicketChange;
mod classification;
pub use classification::{AutoClass, StoredRule, TrainingExample};
mod clock;
pub use audit::AuditEntry;
pub use clock::{Clock, SystemClock};
mod contracts;
mod customers;
mod dialect;
pub(crate) use dialect::{Dialect, own_sql};
mod error;
mod groups;
mod incidents;
mod leads;
mod maintenance;
mod monitor_changes;
mod monitors;
mod password_change;
pub use groups::Group;
pub use leads::Lead;
mod model;
mod outbox;
pub use outbox::ClaimedMessage;
mod pool;
mod prefs;
pub use prefs::Prefs;
mod search;
mod sql;
pub use search::MAX_SEARCH_WORDS;
pub mod secrets;
mod sessions;
mod stats;
pub use sessions::{
    CLIENT_FREE_FAILURES, MAX_CLIENT_DELAY, MAX_FAILURES_PER_EMAIL, NewSession, SESSION_LIFETIME,
};
pub use stats::DeskStats;
mod tickets;
mod time;
mod time_entries;
pub use time_entries::{ConsultationUsage, NewTimeEntry, TimeEntry};
mod timers;
mod tokens;
mod uploads;
pub use uploads::{
    CUSTOMER_QUOTA_BYTES, CUSTOMER_RATE_BYTES, UPLOAD_RATE_WINDOW, UploadLimits, UploadRefusal,
};
mod users;
mod vendor;
mod verifier;
pub use vendor::VendorBlock;
mod viewer;

pub use alerts::AlertOutcome;
pub use availability::{Availability, DaySplit, TimeSplit};
pub use error::StoreError;
pub use incidents::{Incident, MONITORING_EMAIL};
pub use maintenance::{MaintenanceWindow, NewMaintenance};
pub use model::*;
pub use monitor_changes::{HourResults, Retention, unpack};
pub use monitors::{
    CreatedMonitor, DueMonitor, Monitor, MonitorId, MonitorSettings, next_slot, phase_ns,
    trusted_for,
};
pub use password_change::MIN_PASSWORD_CHARS;
pub use pool::{Backend, SqliteSync, Store};
pub use tickets::{Executed, NewTicket, TicketFilter, TicketPage};
pub use timers::{FiredTimer, OutboxMessage};
pub use users::{NewUser, UserChange};
pub use viewer::{Role, Viewer};

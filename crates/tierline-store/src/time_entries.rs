//! Time logged on tickets, and the consultation hours a contract includes each month.

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use sqlx::{Any, Transaction};
use tierline_domain::workflow::{CheckedTime, Command};

use crate::time::{from_db, to_db};
use crate::{CustomerId, Store, StoreError, Ticket, TicketId, UserId, Viewer};

/// One entry of logged time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TimeEntry {
    /// Its id.
    pub id: i64,
    /// The ticket.
    pub ticket_id: TicketId,
    /// Who worked.
    pub user_id: UserId,
    /// How long, in minutes.
    pub minutes: i64,
    /// When the work was done.
    pub worked_at: Timestamp,
    /// Whether it is consultation, counted against the contract's monthly hours.
    pub consultation: bool,
    /// What was done.
    pub note: String,
}

pub use tierline_domain::workflow::NewTimeEntry;

/// A customer's consultation budget for one month, in the contract's time zone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsultationUsage {
    /// The first day of the month.
    pub month: Date,
    /// Minutes included by the contract in force at the start of the month.
    pub included_minutes: i64,
    /// Minutes used.
    pub used_minutes: i64,
    /// Included minus used; negative when the budget is exceeded.
    pub remaining_minutes: i64,
}

fn entry(r: &AnyRow) -> Result<TimeEntry, StoreError> {
    Ok(TimeEntry {
        id: r.try_get("id")?,
        ticket_id: TicketId(r.try_get("ticket_id")?),
        user_id: UserId(r.try_get("user_id")?),
        minutes: r.try_get("minutes")?,
        worked_at: from_db(r.try_get("worked_at")?)?,
        consultation: r.try_get::<i64, _>("consultation")? != 0,
        note: r.try_get("note")?,
    })
}

impl Store {
    /// Logs time on a ticket (agents only). Consultation defaults to the ticket being class 6.
    pub async fn log_time(
        &self,
        viewer: &Viewer,
        id: TicketId,
        new: NewTimeEntry,
        now: Timestamp,
    ) -> Result<TimeEntry, StoreError> {
        self.execute(viewer, id, Command::LogTime(new), now)
            .await?
            .time_entry
            .ok_or_else(|| StoreError::Corrupt("no time entry was stored".to_owned()))
    }

    /// Time logged on a ticket (staff only: it is internal).
    pub async fn time_entries(
        &self,
        viewer: &Viewer,
        id: TicketId,
    ) -> Result<Vec<TimeEntry>, StoreError> {
        viewer.require_staff()?;
        self.ticket(viewer, id).await?;
        let rows = sqlx::query("SELECT id, ticket_id, user_id, minutes, worked_at, consultation, note FROM time_entries WHERE ticket_id = $1 ORDER BY id")
            .bind(id.0)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(entry).collect()
    }

    /// Consultation hours used in the month that contains `month`'s first day, in the time zone
    /// of the contract in force then. The customer's own users may see it.
    pub async fn consultation_usage(
        &self,
        viewer: &Viewer,
        customer: CustomerId,
        month: Date,
    ) -> Result<ConsultationUsage, StoreError> {
        self.customer(viewer, customer).await?;
        let first = month.first_of_month();
        let versions = self.contract_versions(viewer, customer).await?;
        let version = versions
            .iter()
            .rev()
            .find(|v| v.effective_from <= first)
            .or_else(|| {
                versions
                    .iter()
                    .find(|v| v.effective_from <= first.last_of_month())
            })
            .ok_or_else(|| {
                StoreError::invalid("month", "the customer had no contract that month")
            })?;
        let contract = self.contract_of(version)?;
        let tz = contract.calendar().tz().clone();
        let start = first
            .to_zoned(tz.clone())
            .map_err(|e| StoreError::invalid("month", e.to_string()))?;
        let end = first
            .checked_add(1.month())
            .and_then(|d| d.to_zoned(tz))
            .map_err(|e| StoreError::invalid("month", e.to_string()))?;
        let used: i64 = sqlx::query(
            "SELECT CAST(COALESCE(SUM(minutes), 0) AS BIGINT) AS n FROM time_entries WHERE customer_id = $1 AND consultation = 1 AND worked_at >= $2 AND worked_at < $3",
        )
        .bind(customer.0)
        .bind(to_db(start.timestamp()))
        .bind(to_db(end.timestamp()))
        .fetch_one(&self.pool)
        .await?
        .try_get("n")?;
        let included = i64::from(contract.terms().consultation_hours) * 60;
        Ok(ConsultationUsage {
            month: first,
            included_minutes: included,
            used_minutes: used,
            remaining_minutes: included - used,
        })
    }
}

/// Records time checked by the domain.
pub(crate) async fn insert(
    tx: &mut Transaction<'static, Any>,
    t: &Ticket,
    user: UserId,
    time: &CheckedTime,
    now: Timestamp,
) -> Result<TimeEntry, StoreError> {
    let row = sqlx::query(
        "INSERT INTO time_entries (ticket_id, customer_id, user_id, minutes, worked_at, consultation, note, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, ticket_id, user_id, minutes, worked_at, consultation, note",
    )
    .bind(t.id.0)
    .bind(t.customer_id.0)
    .bind(user.0)
    .bind(time.minutes)
    .bind(to_db(time.worked_at))
    .bind(i64::from(time.consultation))
    .bind(&time.note)
    .bind(to_db(now))
    .fetch_one(&mut **tx)
    .await?;
    entry(&row)
}

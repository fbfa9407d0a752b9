//! Maintenance windows per system: planned work opens no incident and costs no availability.
//!
//! One-off windows are two instants; recurring ones are a weekly rule read in the time zone of
//! the customer's contract, in force from `starts_at` (and until `ends_at`, when given).

use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;
use tierline_domain::availability::{Recurrence, Span};

use crate::customers::non_empty;
use crate::time::{from_db, opt_from_db, to_db};
use crate::{CustomerId, Store, StoreError, SystemId, Viewer, audit};

/// A maintenance window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MaintenanceWindow {
    /// Its id.
    pub id: i64,
    /// The system.
    pub system_id: SystemId,
    /// Whose.
    pub customer_id: CustomerId,
    /// What the work is.
    pub reason: String,
    /// One-off: its start; recurring: from when the rule holds.
    pub starts_at: Timestamp,
    /// One-off: its end; recurring: until when the rule holds (open-ended when absent).
    pub ends_at: Option<Timestamp>,
    /// The weekly rule of a recurring window.
    pub recurrence: Option<Recurrence>,
    /// When it was recorded.
    pub created_at: Timestamp,
}

/// A window to record.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewMaintenance {
    /// What the work is.
    pub reason: String,
    /// One-off: its start; recurring: from when the rule holds.
    pub starts_at: Timestamp,
    /// One-off: its end (required); recurring: until when the rule holds.
    #[serde(default)]
    pub ends_at: Option<Timestamp>,
    /// A weekly rule, for a recurring window.
    #[serde(default)]
    pub recurrence: Option<Recurrence>,
}

const COLUMNS: &str =
    "id, system_id, customer_id, reason, starts_at, ends_at, recurrence, created_at";

fn window(r: &AnyRow) -> Result<MaintenanceWindow, StoreError> {
    let recurrence: Option<String> = r.try_get("recurrence")?;
    Ok(MaintenanceWindow {
        id: r.try_get("id")?,
        system_id: SystemId(r.try_get("system_id")?),
        customer_id: CustomerId(r.try_get("customer_id")?),
        reason: r.try_get("reason")?,
        starts_at: from_db(r.try_get("starts_at")?)?,
        ends_at: opt_from_db(r.try_get("ends_at")?)?,
        recurrence: recurrence
            .map(|s| serde_json::from_str(&s))
            .transpose()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?,
        created_at: from_db(r.try_get("created_at")?)?,
    })
}

impl Store {
    /// Records a maintenance window (staff).
    pub async fn create_maintenance(
        &self,
        viewer: &Viewer,
        system_id: SystemId,
        new: NewMaintenance,
        now: Timestamp,
    ) -> Result<MaintenanceWindow, StoreError> {
        viewer.require_staff()?;
        let reason = non_empty("reason", &new.reason, 2000)?;
        let system = self.visible_system(viewer, system_id).await?;
        match (&new.recurrence, new.ends_at) {
            (None, None) => {
                return Err(StoreError::invalid(
                    "ends_at",
                    "a one-off window needs an end",
                ));
            }
            (_, Some(end)) if end <= new.starts_at => {
                return Err(StoreError::invalid("ends_at", "must be after starts_at"));
            }
            (Some(r), _) => r
                .validate()
                .map_err(|m| StoreError::invalid("recurrence", m))?,
            _ => {}
        }
        let recurrence = new
            .recurrence
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let mut tx = self.begin_write().await?;
        let row = sqlx::query(crate::own_sql(format!(
            "INSERT INTO maintenance_windows (system_id, customer_id, reason, starts_at, ends_at, recurrence, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}"
        )))
        .bind(system_id.0)
        .bind(system.customer_id.0)
        .bind(&reason)
        .bind(to_db(new.starts_at))
        .bind(new.ends_at.map(to_db))
        .bind(recurrence)
        .bind(to_db(now))
        .fetch_one(&mut *tx)
        .await?;
        let w = window(&row)?;
        audit::record(
            &mut tx,
            now,
            Some(viewer.user_id),
            "maintenance.create",
            &format!("maintenance:{}", w.id),
            &json!({"system_id": system_id}),
        )
        .await?;
        tx.commit().await?;
        Ok(w)
    }

    /// A system's maintenance windows, newest first.
    pub async fn maintenance_windows(
        &self,
        viewer: &Viewer,
        system_id: SystemId,
    ) -> Result<Vec<MaintenanceWindow>, StoreError> {
        self.visible_system(viewer, system_id).await?;
        let rows = sqlx::query(crate::own_sql(format!(
            "SELECT {COLUMNS} FROM maintenance_windows WHERE system_id = $1 ORDER BY starts_at DESC, id DESC"
        )))
        .bind(system_id.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(window).collect()
    }

    /// Removes a maintenance window (staff).
    pub async fn delete_maintenance(
        &self,
        viewer: &Viewer,
        id: i64,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        viewer.require_staff()?;
        let mut tx = self.begin_write().await?;
        let done = sqlx::query("DELETE FROM maintenance_windows WHERE id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        audit::record(
            &mut tx,
            now,
            Some(viewer.user_id),
            "maintenance.delete",
            &format!("maintenance:{id}"),
            &json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The time zone a customer's periods and recurring windows are read in: its contract's.
    pub(crate) async fn customer_tz(
        &self,
        customer_id: CustomerId,
        at: Timestamp,
    ) -> Result<TimeZone, StoreError> {
        match self.contract_in_force(customer_id, at).await {
            Ok((_, c)) => Ok(c.calendar().tz().clone()),
            Err(StoreError::Invalid { .. }) => Ok(TimeZone::UTC),
            Err(e) => Err(e),
        }
    }

    /// The maintenance of a system within `span`, as spans (not merged).
    pub(crate) async fn maintenance_spans(
        &self,
        system_id: SystemId,
        tz: &TimeZone,
        span: Span,
    ) -> Result<Vec<Span>, StoreError> {
        let rows = sqlx::query(crate::own_sql(format!(
            "SELECT {COLUMNS} FROM maintenance_windows WHERE system_id = $1 AND starts_at < $2 \
             AND (ends_at IS NULL OR ends_at > $3)"
        )))
        .bind(system_id.0)
        .bind(to_db(span.until))
        .bind(to_db(span.from))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::new();
        for r in &rows {
            let w = window(r)?;
            match (&w.recurrence, w.ends_at) {
                (None, Some(end)) => out.push(Span {
                    from: w.starts_at,
                    until: end,
                }),
                (Some(rule), end) => {
                    let active = Span {
                        from: span.from.max(w.starts_at),
                        until: end.map_or(span.until, |e| e.min(span.until)),
                    };
                    if !active.is_empty() {
                        out.extend(rule.occurrences(tz, active).into_iter().map(|o| Span {
                            from: o.from.max(active.from),
                            until: o.until.min(active.until),
                        }));
                    }
                }
                (None, None) => {}
            }
        }
        Ok(out)
    }

    /// Whether a system is in a maintenance window at `at`.
    pub async fn in_maintenance(
        &self,
        customer_id: CustomerId,
        system_id: SystemId,
        at: Timestamp,
    ) -> Result<bool, StoreError> {
        let tz = self.customer_tz(customer_id, at).await?;
        let Ok(until) = at.checked_add(jiff::SignedDuration::from_nanos(1)) else {
            return Ok(false);
        };
        let spans = self
            .maintenance_spans(system_id, &tz, Span { from: at, until })
            .await?;
        Ok(spans.iter().any(|s| s.from <= at && at < s.until))
    }
}

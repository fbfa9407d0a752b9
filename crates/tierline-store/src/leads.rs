//! Leads: prospects who asked for support through the public site's form.
//!
//! The form is open to anyone, so what it stores is bounded: a few submissions per client an
//! hour, and fields of a sensible length.

use jiff::{SignedDuration, Timestamp};
use serde::Serialize;
use sqlx::Row;

use crate::customers::non_empty;
use crate::time::{from_db, opt_from_db, to_db};
use crate::{Store, StoreError, Viewer};

/// The window in which a client's submissions are counted, and how many it may make.
const WINDOW: SignedDuration = SignedDuration::from_hours(1);
const MAX_PER_CLIENT: i64 = 5;

/// A prospect's request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Lead {
    /// Its id.
    pub id: i64,
    /// Who asked.
    pub name: String,
    /// How to call them back.
    pub phone: String,
    /// What they need.
    pub need: String,
    /// When it arrived.
    pub created_at: Timestamp,
    /// When an administrator marked it handled.
    pub handled_at: Option<Timestamp>,
}

fn lead(r: &sqlx::any::AnyRow) -> Result<Lead, StoreError> {
    Ok(Lead {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        phone: r.try_get("phone")?,
        need: r.try_get("need")?,
        created_at: from_db(r.try_get("created_at")?)?,
        handled_at: opt_from_db(r.try_get("handled_at")?)?,
    })
}

impl Store {
    /// Records a lead from `client` (the remote address), unless that client sent too many.
    pub async fn create_lead(
        &self,
        name: &str,
        phone: &str,
        need: &str,
        client: &str,
        now: Timestamp,
    ) -> Result<Lead, StoreError> {
        let name = non_empty("name", name, 200)?;
        let phone = non_empty("phone", phone, 50)?;
        if !phone
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
            || phone.chars().filter(char::is_ascii_digit).count() < 5
        {
            return Err(StoreError::invalid(
                "phone",
                "must be a phone number: digits, spaces, + - ( )",
            ));
        }
        let need = non_empty("need", need, 5000)?;
        let mut tx = self.begin_write().await?;
        let recent: i64 =
            sqlx::query("SELECT COUNT(*) AS n FROM leads WHERE client = $1 AND created_at >= $2")
                .bind(client)
                .bind(to_db(now - WINDOW))
                .fetch_one(&mut *tx)
                .await?
                .try_get("n")?;
        if recent >= MAX_PER_CLIENT {
            return Err(StoreError::RateLimited(WINDOW.as_secs().unsigned_abs()));
        }
        let row = sqlx::query(
            "INSERT INTO leads (name, phone, need, client, created_at) VALUES ($1, $2, $3, $4, $5) \
             RETURNING id, name, phone, need, created_at, handled_at",
        )
        .bind(&name)
        .bind(&phone)
        .bind(&need)
        .bind(client)
        .bind(to_db(now))
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        lead(&row)
    }

    /// Leads, newest first (administrators only).
    pub async fn leads(&self, viewer: &Viewer) -> Result<Vec<Lead>, StoreError> {
        viewer.require_admin()?;
        let rows = sqlx::query(
            "SELECT id, name, phone, need, created_at, handled_at FROM leads ORDER BY id DESC LIMIT 500",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(lead).collect()
    }

    /// Marks a lead handled (administrators only).
    pub async fn handle_lead(
        &self,
        viewer: &Viewer,
        id: i64,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        viewer.require_admin()?;
        let mut tx = self.begin_write().await?;
        let done =
            sqlx::query("UPDATE leads SET handled_at = $1 WHERE id = $2 AND handled_at IS NULL")
                .bind(to_db(now))
                .bind(id)
                .execute(&mut *tx)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        crate::audit::record(
            &mut tx,
            now,
            Some(viewer.user_id),
            "lead.handle",
            &format!("lead:{id}"),
            &serde_json::json!({}),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

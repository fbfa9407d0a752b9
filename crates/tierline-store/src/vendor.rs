//! Line 4: escalations outside the organisation (hosting, software vendors), tracked on the
//! ticket, and shared with the vendor's contact, who sees only those tickets.

use jiff::Timestamp;
use serde_json::json;
use sqlx::Row;

use crate::customers::non_empty;
use crate::time::{opt_from_db, to_db};
use crate::{Role, Store, StoreError, TicketId, UserId, Viewer, audit};

pub use tierline_domain::workflow::VendorBlock;

fn optional(field: &'static str, v: Option<&str>) -> Result<Option<String>, StoreError> {
    match v.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) if s.chars().count() > 2000 => Err(StoreError::invalid(
            field,
            "must be at most 2000 characters",
        )),
        Some(s) => Ok(Some(s.to_owned())),
    }
}

impl Store {
    /// Records or updates the vendor block (agents only). A block is recorded and shared with a
    /// contact only on line 4; off line 4 an existing block can still be updated without a contact,
    /// which is how an agent ends a share at any line.
    pub async fn set_vendor(
        &self,
        viewer: &Viewer,
        id: TicketId,
        block: VendorBlock,
        now: Timestamp,
    ) -> Result<VendorBlock, StoreError> {
        viewer.require_staff()?;
        let ticket = self.ticket(viewer, id).await?;
        if ticket.line.number() != 4 {
            if self.vendor(viewer, id).await?.is_none() {
                return Err(StoreError::invalid(
                    "line",
                    "escalate the ticket to line 4 before recording a vendor",
                ));
            }
            if block.contact_id.is_some() {
                return Err(StoreError::invalid(
                    "contact_id",
                    "a ticket is shared with a vendor contact only on line 4",
                ));
            }
        }
        if let Some(c) = block.contact_id
            && self
                .user_unscoped(c)
                .await?
                .is_none_or(|u| u.role != Role::Vendor)
        {
            return Err(StoreError::invalid("contact_id", "no such vendor contact"));
        }
        let clean = VendorBlock {
            vendor: non_empty("vendor", &block.vendor, 200)?,
            external_ref: optional("external_ref", block.external_ref.as_deref())?,
            vendor_status: optional("vendor_status", block.vendor_status.as_deref())?,
            promise: optional("promise", block.promise.as_deref())?,
            promised_by: block.promised_by,
            contact_id: block.contact_id,
        };
        let mut tx = self.begin_write().await?;
        if clean.contact_id.is_none() {
            end_share(&mut tx, id, viewer.user_id, now).await?;
        }
        sqlx::query(
            "INSERT INTO vendor_escalations (ticket_id, vendor, external_ref, vendor_status, promise, promised_by, contact_id, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (ticket_id) DO UPDATE SET vendor = excluded.vendor, \
             external_ref = excluded.external_ref, vendor_status = excluded.vendor_status, promise = excluded.promise, \
             promised_by = excluded.promised_by, contact_id = excluded.contact_id, updated_at = excluded.updated_at",
        )
        .bind(id.0)
        .bind(&clean.vendor)
        .bind(clean.external_ref.as_deref())
        .bind(clean.vendor_status.as_deref())
        .bind(clean.promise.as_deref())
        .bind(clean.promised_by.map(to_db))
        .bind(clean.contact_id.map(|c| c.0))
        .bind(to_db(now))
        .execute(&mut *tx)
        .await?;
        let data = serde_json::to_value(&clean).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query("INSERT INTO ticket_events (ticket_id, at, actor_id, kind, public, data) VALUES ($1, $2, $3, 'vendor', 0, $4)")
            .bind(id.0)
            .bind(to_db(now))
            .bind(viewer.user_id.0)
            .bind(data.to_string())
            .execute(&mut *tx)
            .await?;
        audit::record(
            &mut tx,
            now,
            Some(viewer.user_id),
            "ticket.vendor",
            &format!("ticket:{id}"),
            &json!({"vendor": clean.vendor}),
        )
        .await?;
        tx.commit().await?;
        Ok(clean)
    }

    /// The vendor block, for staff and for the vendor contact it is shared with (while the ticket
    /// is on line 4: the ticket's scope says so).
    pub async fn vendor(
        &self,
        viewer: &Viewer,
        id: TicketId,
    ) -> Result<Option<VendorBlock>, StoreError> {
        if viewer.role == Role::Customer {
            return Err(StoreError::NotFound);
        }
        self.ticket(viewer, id).await?;
        let row = sqlx::query("SELECT vendor, external_ref, vendor_status, promise, promised_by, contact_id FROM vendor_escalations WHERE ticket_id = $1")
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await?;
        row.map(|r| {
            Ok(VendorBlock {
                vendor: r.try_get("vendor")?,
                external_ref: r.try_get("external_ref")?,
                vendor_status: r.try_get("vendor_status")?,
                promise: r.try_get("promise")?,
                promised_by: opt_from_db(r.try_get("promised_by")?)?,
                contact_id: r.try_get::<Option<i64>, _>("contact_id")?.map(UserId),
            })
        })
        .transpose()
    }
}

/// Ends the share of a ticket leaving line 4: its vendor contact no longer sees it, and the
/// timeline says so. The rest of the block stays, as the record of the escalation.
pub(crate) async fn end_share(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    id: TicketId,
    actor: UserId,
    now: Timestamp,
) -> Result<(), StoreError> {
    let row = sqlx::query(
        "UPDATE vendor_escalations SET contact_id = NULL, updated_at = $1 \
         WHERE ticket_id = $2 AND contact_id IS NOT NULL RETURNING vendor",
    )
    .bind(to_db(now))
    .bind(id.0)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return Ok(()) };
    let vendor: String = row.try_get("vendor")?;
    sqlx::query("INSERT INTO ticket_events (ticket_id, at, actor_id, kind, public, data) VALUES ($1, $2, $3, 'vendor_unshared', 0, $4)")
        .bind(id.0)
        .bind(to_db(now))
        .bind(actor.0)
        .bind(json!({"vendor": vendor}).to_string())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

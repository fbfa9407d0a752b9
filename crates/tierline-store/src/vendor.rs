//! Line 4: escalations outside the organisation (hosting, software vendors), tracked on the
//! ticket, and shared with the vendor's contact, who sees only those tickets.

use jiff::Timestamp;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
use tierline_domain::workflow::Command;

use crate::time::{opt_from_db, to_db};
use crate::{Role, Store, StoreError, TicketId, UserId, Viewer};

pub use tierline_domain::workflow::VendorBlock;

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
        self.execute(viewer, id, Command::Vendor(block), now)
            .await?
            .vendor
            .ok_or_else(|| StoreError::Corrupt("a vendor block was not stored".to_owned()))
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
        row.as_ref().map(block).transpose()
    }
}

/// The vendor block of a ticket, read in its transaction.
pub(crate) async fn block_of(
    tx: &mut Transaction<'static, Any>,
    id: TicketId,
) -> Result<Option<VendorBlock>, StoreError> {
    let row = sqlx::query("SELECT vendor, external_ref, vendor_status, promise, promised_by, contact_id FROM vendor_escalations WHERE ticket_id = $1")
        .bind(id.0)
        .fetch_optional(&mut **tx)
        .await?;
    row.as_ref().map(block).transpose()
}

fn block(r: &AnyRow) -> Result<VendorBlock, StoreError> {
    Ok(VendorBlock {
        vendor: r.try_get("vendor")?,
        external_ref: r.try_get("external_ref")?,
        vendor_status: r.try_get("vendor_status")?,
        promise: r.try_get("promise")?,
        promised_by: opt_from_db(r.try_get("promised_by")?)?,
        contact_id: r.try_get::<Option<i64>, _>("contact_id")?.map(UserId),
    })
}

/// Records the vendor block (checked by the domain).
pub(crate) async fn store(
    tx: &mut Transaction<'static, Any>,
    id: TicketId,
    clean: &VendorBlock,
    now: Timestamp,
) -> Result<(), StoreError> {
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
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Ends the share of a ticket: its vendor contact no longer sees it (the domain writes the
/// timeline's entry). The rest of the block stays, as the record of the escalation.
pub(crate) async fn end_share(
    tx: &mut Transaction<'static, Any>,
    id: TicketId,
    now: Timestamp,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE vendor_escalations SET contact_id = NULL, updated_at = $1 WHERE ticket_id = $2 AND contact_id IS NOT NULL",
    )
    .bind(to_db(now))
    .bind(id.0)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

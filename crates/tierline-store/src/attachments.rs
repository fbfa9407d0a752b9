//! Files attached to tickets. They live in the database beside the ticket, so a backup of the
//! database is a backup of everything; each is bounded in size, and each customer's together
//! by a quota and an hourly rate (`uploads`).

use jiff::Timestamp;
use serde::Serialize;
use serde_json::json;
use sqlx::{Any, Row, Transaction};

use crate::time::{from_db, to_db};
use crate::{CustomerId, Role, Store, StoreError, TicketId, UserId, Viewer, audit};

/// The largest file accepted.
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// An attachment's description, without its bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attachment {
    /// Its id.
    pub id: i64,
    /// The ticket.
    pub ticket_id: TicketId,
    /// The name it was uploaded with.
    pub file_name: String,
    /// The type the uploader's browser gave; informative only, never trusted for display.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// Whether the customer sees it.
    pub public: bool,
    /// Who uploaded it.
    pub uploaded_by: Option<UserId>,
    /// When.
    pub created_at: Timestamp,
}

/// A file to attach.
#[derive(Clone, Copy, Debug)]
pub struct NewAttachment<'a> {
    /// The name it was uploaded with (a path is cut to its last part).
    pub file_name: &'a str,
    /// The type the browser gave.
    pub content_type: &'a str,
    /// The bytes.
    pub bytes: &'a [u8],
    /// Whether the customer sees it (always, for a customer's own file).
    pub public: bool,
}

const COLUMNS: &str =
    "id, ticket_id, file_name, content_type, size, public, uploaded_by, created_at";

fn attachment(r: &sqlx::any::AnyRow) -> Result<Attachment, StoreError> {
    Ok(Attachment {
        id: r.try_get("id")?,
        ticket_id: TicketId(r.try_get("ticket_id")?),
        file_name: r.try_get("file_name")?,
        content_type: r.try_get("content_type")?,
        size: r.try_get("size")?,
        public: r.try_get::<i64, _>("public")? != 0,
        uploaded_by: r.try_get::<Option<i64>, _>("uploaded_by")?.map(UserId),
        created_at: from_db(r.try_get("created_at")?)?,
    })
}

/// A file name safe to keep and to offer back: no path, no control characters, bounded.
fn clean_name(name: &str) -> Result<String, StoreError> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && *c != '"')
        .take(200)
        .collect();
    let cleaned = cleaned.trim().to_owned();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        return Err(StoreError::invalid("file", "needs a file name"));
    }
    Ok(cleaned)
}

/// Files that passed the checks that need no database: each bounded, named and typed.
#[derive(Debug)]
pub(crate) struct CheckedFiles<'a> {
    files: Vec<(String, String, &'a [u8], bool)>,
    total: u64,
}

/// Checks each file on its own (size, name, type) before anything is written.
pub(crate) fn checked_files<'a>(
    viewer: &Viewer,
    files: &[NewAttachment<'a>],
) -> Result<CheckedFiles<'a>, StoreError> {
    if viewer.role == Role::Vendor && !files.is_empty() {
        return Err(StoreError::Forbidden("vendor contacts do not attach files"));
    }
    let mut checked = Vec::with_capacity(files.len());
    let mut total: u64 = 0;
    for file in files {
        let NewAttachment {
            file_name,
            content_type,
            bytes,
            public,
        } = *file;
        if bytes.len() > MAX_ATTACHMENT_BYTES {
            return Err(StoreError::invalid(
                "file",
                format!("must be at most {} MiB", MAX_ATTACHMENT_BYTES / 1024 / 1024),
            ));
        }
        if bytes.is_empty() {
            return Err(StoreError::invalid("file", "is empty"));
        }
        let public = public || viewer.role == Role::Customer;
        let name = clean_name(file_name)?;
        let content_type: String = content_type
            .chars()
            .filter(char::is_ascii_graphic)
            .take(100)
            .collect();
        total = total.saturating_add(u64::try_from(bytes.len()).unwrap_or(u64::MAX));
        checked.push((name, content_type, bytes, public));
    }
    Ok(CheckedFiles {
        files: checked,
        total,
    })
}

impl Store {
    /// Attaches a file to a ticket the viewer may see; customers' files are public, agents'
    /// files are public unless `public` is false.
    pub async fn attach(
        &self,
        viewer: &Viewer,
        ticket_id: TicketId,
        file: NewAttachment<'_>,
        now: Timestamp,
    ) -> Result<Attachment, StoreError> {
        self.attach_all(viewer, ticket_id, &[file], now)
            .await?
            .pop()
            .ok_or(StoreError::Corrupt(
                "an attachment was not stored".to_owned(),
            ))
    }

    /// Attaches files to a ticket the viewer may see, all or none: one transaction, in which
    /// the ticket's customer's quota and rate are checked for the files together (`uploads`).
    pub async fn attach_all(
        &self,
        viewer: &Viewer,
        ticket_id: TicketId,
        files: &[NewAttachment<'_>],
        now: Timestamp,
    ) -> Result<Vec<Attachment>, StoreError> {
        let checked = checked_files(viewer, files)?;
        if checked.files.is_empty() {
            return Ok(Vec::new());
        }
        let t = self.ticket(viewer, ticket_id).await?;
        let mut tx = self.begin_write().await?;
        let out = self
            .store_files(&mut tx, viewer, t.id, t.customer_id, checked, now)
            .await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Stores checked files on a ticket inside the caller's write transaction, after reserving
    /// their size against the customer's quota and rate: a refusal leaves the whole transaction
    /// to be rolled back, so a new ticket opened in it is not kept without its files.
    pub(crate) async fn store_files(
        &self,
        tx: &mut Transaction<'static, Any>,
        viewer: &Viewer,
        ticket_id: TicketId,
        customer_id: CustomerId,
        checked: CheckedFiles<'_>,
        now: Timestamp,
    ) -> Result<Vec<Attachment>, StoreError> {
        if checked.files.is_empty() {
            return Ok(Vec::new());
        }
        self.reserve_upload(tx, customer_id, checked.total, now)
            .await?;
        let mut out = Vec::with_capacity(checked.files.len());
        for (name, content_type, bytes, public) in checked.files {
            let row = sqlx::query(crate::own_sql(format!(
                "INSERT INTO attachments (ticket_id, file_name, content_type, size, data, public, uploaded_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {COLUMNS}"
            )))
            .bind(ticket_id.0)
            .bind(&name)
            .bind(&content_type)
            .bind(i64::try_from(bytes.len()).unwrap_or(i64::MAX))
            .bind(bytes.to_vec())
            .bind(i64::from(public))
            .bind(viewer.user_id.0)
            .bind(to_db(now))
            .fetch_one(&mut **tx)
            .await?;
            let a = attachment(&row)?;
            sqlx::query(
                "INSERT INTO ticket_events (ticket_id, at, actor_id, kind, public, data) VALUES ($1, $2, $3, 'attachment', $4, $5)",
            )
            .bind(ticket_id.0)
            .bind(to_db(now))
            .bind(viewer.user_id.0)
            .bind(i64::from(public))
            .bind(json!({"attachment_id": a.id, "file_name": a.file_name, "size": a.size}).to_string())
            .execute(&mut **tx)
            .await?;
            audit::record(
                tx,
                now,
                Some(viewer.user_id),
                "ticket.attach",
                &format!("ticket:{}", ticket_id),
                &json!({"attachment_id": a.id}),
            )
            .await?;
            out.push(a);
        }
        Ok(out)
    }

    /// A ticket's attachments the viewer may see.
    pub async fn attachments(
        &self,
        viewer: &Viewer,
        ticket_id: TicketId,
    ) -> Result<Vec<Attachment>, StoreError> {
        self.ticket(viewer, ticket_id).await?;
        if viewer.role == Role::Vendor {
            // A vendor contact sees the escalation, not the customer's files.
            return Ok(Vec::new());
        }
        let only_public = if viewer.is_staff() {
            ""
        } else {
            " AND public = 1"
        };
        let rows = sqlx::query(crate::own_sql(format!(
            "SELECT {COLUMNS} FROM attachments WHERE ticket_id = $1{only_public} ORDER BY id"
        )))
        .bind(ticket_id.0)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(attachment).collect()
    }

    /// One attachment with its bytes, if the viewer may see it.
    pub async fn attachment(
        &self,
        viewer: &Viewer,
        id: i64,
    ) -> Result<(Attachment, Vec<u8>), StoreError> {
        let row = sqlx::query(crate::own_sql(format!(
            "SELECT {COLUMNS}, data FROM attachments WHERE id = $1"
        )))
        .bind(id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound)?;
        let a = attachment(&row)?;
        // Seeing the ticket is the permission; a missing ticket and a forbidden one look alike.
        self.ticket(viewer, a.ticket_id).await?;
        if viewer.role == Role::Vendor || (!a.public && !viewer.is_staff()) {
            return Err(StoreError::NotFound);
        }
        Ok((a, row.try_get("data")?))
    }
}

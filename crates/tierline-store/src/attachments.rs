//! Files attached to tickets. They live in the database beside the ticket, so a backup of the
//! database is a backup of everything; each is bounded in size, and each customer's together
//! by a quota and an hourly rate (`uploads`).

use jiff::Timestamp;
use serde::Serialize;
use serde_json::json;
use sqlx::Row;

use sqlx::{Any, Transaction};
use tierline_domain::workflow::event::Attached;
use tierline_domain::workflow::{CheckedFile, Command, Event, NewFile, prepare};

use crate::tickets::insert_event;
use crate::time::{from_db, to_db};
use crate::{Role, Store, StoreError, Ticket, TicketId, UserId, Viewer, audit};

/// The largest file accepted.
pub use tierline_domain::workflow::MAX_ATTACHMENT_BYTES;

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
        let files: Vec<NewFile> = files
            .iter()
            .map(|f| NewFile {
                file_name: f.file_name.to_owned(),
                content_type: f.content_type.to_owned(),
                bytes: f.bytes.to_vec(),
                public: f.public,
            })
            .collect();
        let command = Command::Attach { files };
        if matches!(&command, Command::Attach { files } if files.is_empty()) {
            // Nothing to store: only who may attach is checked, as before.
            prepare(viewer, &command, now)?;
            return Ok(Vec::new());
        }
        Ok(self
            .execute(viewer, ticket_id, command, now)
            .await?
            .attachments)
    }

    /// Checks files for a new request, as the domain checks an attachment to a ticket (who may
    /// attach, size, name, type), before anything is written.
    pub(crate) fn checked_files(
        viewer: &Viewer,
        files: &[NewAttachment<'_>],
        now: Timestamp,
    ) -> Result<Vec<CheckedFile>, StoreError> {
        if files.is_empty() {
            return Ok(Vec::new());
        }
        let files = files
            .iter()
            .map(|f| NewFile {
                file_name: f.file_name.to_owned(),
                content_type: f.content_type.to_owned(),
                bytes: f.bytes.to_vec(),
                public: f.public,
            })
            .collect();
        match prepare(viewer, &Command::Attach { files }, now)? {
            Command::Attach { files } => Ok(files
                .into_iter()
                .map(|f| CheckedFile {
                    file_name: f.file_name,
                    content_type: f.content_type,
                    public: f.public,
                    bytes: f.bytes,
                })
                .collect()),
            _ => Err(StoreError::Corrupt(
                "a checked attachment changed its kind".into(),
            )),
        }
    }

    /// Stores files checked by the domain, each with its timeline and audit entries, within the
    /// ticket's customer's quota and rate (`uploads`).
    pub(crate) async fn store_files(
        &self,
        tx: &mut Transaction<'static, Any>,
        viewer: &Viewer,
        t: &Ticket,
        files: &[CheckedFile],
        now: Timestamp,
    ) -> Result<Vec<Attachment>, StoreError> {
        let total = files.iter().fold(0u64, |n, f| {
            n.saturating_add(u64::try_from(f.bytes.len()).unwrap_or(u64::MAX))
        });
        self.reserve_upload(tx, t.customer_id, total, now).await?;
        let mut out = Vec::with_capacity(files.len());
        for f in files {
            let row = sqlx::query(crate::own_sql(format!(
                "INSERT INTO attachments (ticket_id, file_name, content_type, size, data, public, uploaded_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {COLUMNS}"
            )))
            .bind(t.id.0)
            .bind(&f.file_name)
            .bind(&f.content_type)
            .bind(i64::try_from(f.bytes.len()).unwrap_or(i64::MAX))
            .bind(f.bytes.clone())
            .bind(i64::from(f.public))
            .bind(viewer.user_id.0)
            .bind(to_db(now))
            .fetch_one(&mut **tx)
            .await?;
            let a = attachment(&row)?;
            insert_event(
                tx,
                t.id,
                now,
                Some(viewer.user_id),
                &Event::Attachment(Attached {
                    attachment_id: a.id,
                    file_name: a.file_name.clone(),
                    size: a.size,
                    public: f.public,
                }),
            )
            .await?;
            audit::record(
                tx,
                now,
                Some(viewer.user_id),
                "ticket.attach",
                &format!("ticket:{}", t.id),
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

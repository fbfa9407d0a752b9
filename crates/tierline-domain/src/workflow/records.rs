//! The commands that record something beside the ticket: the vendor block, logged time and
//! attached files.

use jiff::Timestamp;
use serde_json::json;

use super::command::{Command, NewFile, NewTimeEntry, VendorBlock};
use super::event::{Event, TimeLogged, VendorUnshared};
use super::input::{
    MAX_ATTACHMENT_BYTES, MAX_REASON_CHARS, content_type, file_name, non_empty, optional,
};
use super::state::{CheckedFile, CheckedTime, Decision, Effect};
use super::{Actor, Refusal, Role};

/// Files as they will be stored: each not empty and bounded, named safely; a customer's own file
/// is always public. Vendor contacts do not attach files.
pub(super) fn prepare_files(actor: &Actor, files: &[NewFile]) -> Result<Command, Refusal> {
    if actor.role == Role::Vendor {
        return Err(Refusal::Forbidden("vendor contacts do not attach files"));
    }
    let mut checked = Vec::with_capacity(files.len());
    for f in files {
        if f.bytes.len() > MAX_ATTACHMENT_BYTES {
            return Err(Refusal::invalid(
                "file",
                format!("must be at most {} MiB", MAX_ATTACHMENT_BYTES / 1024 / 1024),
            ));
        }
        if f.bytes.is_empty() {
            return Err(Refusal::invalid("file", "is empty"));
        }
        checked.push(NewFile {
            file_name: file_name(&f.file_name)?,
            content_type: content_type(&f.content_type),
            bytes: f.bytes.clone(),
            public: f.public || actor.role == Role::Customer,
        });
    }
    Ok(Command::Attach { files: checked })
}

/// Time as it will be logged (staff only): 1–1440 minutes, a bounded note, not in the future.
pub(super) fn prepare_time(
    actor: &Actor,
    t: &NewTimeEntry,
    now: Timestamp,
) -> Result<Command, Refusal> {
    actor.require_staff()?;
    if !(1..=24 * 60).contains(&t.minutes) {
        return Err(Refusal::invalid("minutes", "must be between 1 and 1440"));
    }
    let note = t.note.trim().to_owned();
    if note.chars().count() > MAX_REASON_CHARS {
        return Err(Refusal::invalid("note", "must be at most 2000 characters"));
    }
    let worked_at = t.worked_at.unwrap_or(now);
    if worked_at > now {
        return Err(Refusal::invalid("worked_at", "must not be in the future"));
    }
    Ok(Command::LogTime(NewTimeEntry {
        minutes: t.minutes,
        note,
        consultation: t.consultation,
        worked_at: Some(worked_at),
    }))
}

/// Ends the vendor contact's share, if the ticket is shared.
pub(super) fn end_share(d: &mut Decision) {
    if let Some(block) = &mut d.state.vendor
        && block.contact_id.is_some()
    {
        block.contact_id = None;
        d.events.push(Event::VendorUnshared(VendorUnshared {
            vendor: block.vendor.clone(),
        }));
        d.effects.push(Effect::EndVendorShare);
    }
}

/// Records or updates the vendor block. A block is recorded and shared with a contact only on
/// line 4; off line 4 an existing block can still be updated without a contact, which is how an
/// agent ends a share at any line.
pub(super) fn vendor(d: &mut Decision, block: &VendorBlock) -> Result<(), Refusal> {
    if d.state.line.number() != 4 {
        if d.state.vendor.is_none() {
            return Err(Refusal::invalid(
                "line",
                "escalate the ticket to line 4 before recording a vendor",
            ));
        }
        if block.contact_id.is_some() {
            return Err(Refusal::invalid(
                "contact_id",
                "a ticket is shared with a vendor contact only on line 4",
            ));
        }
    }
    if block.contact_id.is_some() && !d.state.lookups.contact_is_vendor {
        return Err(Refusal::invalid("contact_id", "no such vendor contact"));
    }
    let clean = VendorBlock {
        vendor: non_empty("vendor", &block.vendor, 200)?,
        external_ref: optional(
            "external_ref",
            block.external_ref.as_deref(),
            MAX_REASON_CHARS,
        )?,
        vendor_status: optional(
            "vendor_status",
            block.vendor_status.as_deref(),
            MAX_REASON_CHARS,
        )?,
        promise: optional("promise", block.promise.as_deref(), MAX_REASON_CHARS)?,
        promised_by: block.promised_by,
        contact_id: block.contact_id,
    };
    if clean.contact_id.is_none() {
        end_share(d);
    }
    d.events.push(Event::Vendor(clean.clone()));
    d.effects.push(Effect::StoreVendor(clean.clone()));
    d.action = "ticket.vendor";
    d.audit = json!({"vendor": clean.vendor});
    d.state.vendor = Some(clean);
    Ok(())
}

/// Logs time; consultation defaults to the ticket being class 6.
pub(super) fn log_time(d: &mut Decision, t: NewTimeEntry, now: Timestamp) {
    let consultation = t.consultation.unwrap_or(d.state.class.number() == 6);
    let time = CheckedTime {
        minutes: t.minutes,
        note: t.note,
        consultation,
        worked_at: t.worked_at.unwrap_or(now),
    };
    d.events.push(Event::Time(TimeLogged {
        minutes: time.minutes,
        consultation,
        note: time.note.clone(),
    }));
    d.audit = json!({"minutes": time.minutes});
    d.effects.push(Effect::StoreTime(time));
    d.action = "ticket.time";
}

/// Attaches files; each one's timeline and audit entries are written with its id, once stored.
pub(super) fn attach(d: &mut Decision, files: Vec<NewFile>) {
    d.effects.push(Effect::StoreFiles(
        files
            .into_iter()
            .map(|f| CheckedFile {
                file_name: f.file_name,
                content_type: f.content_type,
                bytes: f.bytes,
                public: f.public,
            })
            .collect(),
    ));
    d.action = "ticket.attach";
}

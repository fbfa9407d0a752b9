-- A customer's upload quota and rate (uploads.rs) sum the sizes of its attachments, and of those
-- stored in the last hour, on every upload. This index answers both without reading the rows:
-- SQLite reaches a column stored after the file's bytes (created_at) only by walking the
-- file's overflow pages, which made the sum cost about 5 ms per 10 MiB file held.
CREATE INDEX attachments_usage ON attachments (ticket_id, created_at, size);

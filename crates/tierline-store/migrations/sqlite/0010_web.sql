-- The web app: full-text search over tickets, leads from the public site, attachments, and what
-- the live queues poll for.

-- Terms are stems computed by tierline (Russian, Ukrainian and English Snowball), the same on
-- both backends: FTS5 only matches the words it is given. Public text (subject, description,
-- public replies) and internal text are kept apart so that a customer's search never matches
-- words of an internal note.
CREATE VIRTUAL TABLE ticket_search USING fts5 (public_terms, internal_terms, tokenize = 'unicode61 remove_diacritics 0');

CREATE TABLE leads (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    phone TEXT NOT NULL,
    need TEXT NOT NULL,
    client TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    handled_at BIGINT
);
CREATE INDEX leads_client ON leads (client, created_at);

CREATE TABLE attachments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    file_name TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    data BLOB NOT NULL,
    public SMALLINT NOT NULL DEFAULT 1 CHECK (public IN (0, 1)),
    uploaded_by BIGINT REFERENCES users (id),
    created_at BIGINT NOT NULL
);
CREATE INDEX attachments_ticket ON attachments (ticket_id);

CREATE INDEX tickets_updated ON tickets (updated_at);

-- What the web app shows a user in: a language (en, ru, uk) and a time zone; unset follows the
-- browser.
ALTER TABLE users ADD COLUMN language TEXT;
ALTER TABLE users ADD COLUMN time_zone TEXT;

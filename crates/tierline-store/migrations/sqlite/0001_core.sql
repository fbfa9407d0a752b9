-- The desk core. Instants are BIGINT nanoseconds since the Unix epoch (what the domain computes
-- with, exact and sortable); flags are SMALLINT 0/1 so both backends read them the same way.

CREATE TABLE customers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE systems (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    name TEXT NOT NULL,
    built_by_us SMALLINT NOT NULL CHECK (built_by_us IN (0, 1)),
    url TEXT,
    created_at BIGINT NOT NULL,
    UNIQUE (customer_id, name)
);

CREATE TABLE contract_versions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    effective_from TEXT NOT NULL,
    terms TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (customer_id, effective_from)
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'agent', 'customer', 'vendor')),
    customer_id BIGINT REFERENCES customers (id),
    lines TEXT NOT NULL DEFAULT '',
    password_hash TEXT,
    disabled SMALLINT NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at BIGINT NOT NULL,
    CHECK ((role = 'customer') = (customer_id IS NOT NULL))
);

CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id BIGINT NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    digest TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);

CREATE TABLE tickets (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    system_id BIGINT REFERENCES systems (id),
    contract_version_id BIGINT NOT NULL REFERENCES contract_versions (id),
    subject TEXT NOT NULL,
    description TEXT NOT NULL,
    channel TEXT NOT NULL,
    class SMALLINT NOT NULL CHECK (class BETWEEN 1 AND 6),
    line SMALLINT NOT NULL DEFAULT 1 CHECK (line BETWEEN 1 AND 4),
    status TEXT NOT NULL,
    assignee_id BIGINT REFERENCES users (id),
    created_by BIGINT REFERENCES users (id),
    opened_at BIGINT NOT NULL,
    first_response_at BIGINT,
    resolved_at BIGINT,
    spec_agreed_at BIGINT,
    work_started_at BIGINT,
    individual_reaction_secs BIGINT,
    individual_resolution_secs BIGINT,
    next_due_at BIGINT,
    updated_at BIGINT NOT NULL
);

CREATE INDEX tickets_queue ON tickets (line, next_due_at);
CREATE INDEX tickets_customer ON tickets (customer_id, id);
CREATE INDEX tickets_next_due ON tickets (next_due_at);

CREATE TABLE ticket_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    at BIGINT NOT NULL,
    actor_id BIGINT REFERENCES users (id),
    kind TEXT NOT NULL,
    public SMALLINT NOT NULL CHECK (public IN (0, 1)),
    data TEXT NOT NULL
);

CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    actor_id BIGINT,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    detail TEXT NOT NULL
);

-- The timeline is append-only: the database refuses edits and deletes, not just the code.
CREATE TRIGGER ticket_events_no_update BEFORE UPDATE ON ticket_events
BEGIN SELECT RAISE(ABORT, 'ticket_events is append-only'); END;
CREATE TRIGGER ticket_events_no_delete BEFORE DELETE ON ticket_events
BEGIN SELECT RAISE(ABORT, 'ticket_events is append-only'); END;

-- Stability monitoring (SPEC §6): monitors with their schedule and state, the health timeline
-- availability is computed from, compact check results, maintenance windows, incidents opened
-- by monitoring, and alert webhooks' secrets and fingerprints.

CREATE TABLE monitors (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    system_id BIGINT NOT NULL REFERENCES systems (id),
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('http', 'tcp', 'tls', 'heartbeat')),
    spec TEXT NOT NULL,
    interval_secs BIGINT NOT NULL,
    timeout_ms BIGINT NOT NULL,
    retries BIGINT NOT NULL,
    retry_interval_secs BIGINT NOT NULL,
    incident_class SMALLINT NOT NULL CHECK (incident_class BETWEEN 1 AND 6),
    auto_resolve SMALLINT NOT NULL DEFAULT 0 CHECK (auto_resolve IN (0, 1)),
    enabled SMALLINT NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    heartbeat_digest TEXT UNIQUE,
    last_ping_at BIGINT,
    -- Scheduling: the next slot (claimed by a conditional update, so one node runs it), the
    -- monitor's fixed offset within its interval (spreading monitors evenly), and the last two
    -- runs (a gap between them is time we know nothing about).
    next_run_at BIGINT NOT NULL,
    phase_ns BIGINT NOT NULL DEFAULT 0,
    last_run_at BIGINT,
    prev_run_at BIGINT,
    -- The state machine (tierline_domain::monitor::Tracker), written only when it changes.
    health TEXT NOT NULL DEFAULT 'unknown' CHECK (health IN ('up', 'down', 'unknown')),
    failures BIGINT NOT NULL DEFAULT 0,
    first_failure_at BIGINT,
    recent_changes TEXT NOT NULL DEFAULT '',
    last_message TEXT,
    -- The incident of the outage in progress, once one is opened.
    incident_ticket_id BIGINT REFERENCES tickets (id),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE INDEX monitors_due ON monitors (next_run_at) WHERE enabled = 1;
CREATE INDEX monitors_system ON monitors (system_id);

-- The health timeline: one row per confirmed change (0 unknown, 1 up, 2 down).
CREATE TABLE monitor_changes (
    monitor_id BIGINT NOT NULL REFERENCES monitors (id),
    at BIGINT NOT NULL,
    health SMALLINT NOT NULL CHECK (health IN (0, 1, 2)),
    PRIMARY KEY (monitor_id, at)
);

-- Check results, one row per monitor and hour: counts for charts, and the raw results packed
-- four bytes each (second of the hour, then up flag and latency in ms) until they are pruned.
-- Keyed by time first: appends land together at the end, and pruning takes the oldest range.
CREATE TABLE monitor_hours (
    monitor_id BIGINT NOT NULL,
    hour BIGINT NOT NULL,
    checks BIGINT NOT NULL,
    failures BIGINT NOT NULL,
    latency_ms_sum BIGINT NOT NULL,
    latency_ms_max BIGINT NOT NULL,
    samples BYTEA,
    PRIMARY KEY (hour, monitor_id)
);

CREATE TABLE monitor_days (
    monitor_id BIGINT NOT NULL,
    day BIGINT NOT NULL,
    checks BIGINT NOT NULL,
    failures BIGINT NOT NULL,
    latency_ms_sum BIGINT NOT NULL,
    latency_ms_max BIGINT NOT NULL,
    PRIMARY KEY (day, monitor_id)
);

-- Planned work: one-off (starts_at, ends_at) or recurring (a weekly rule in the contract's
-- time zone, in force from starts_at and until ends_at when given).
CREATE TABLE maintenance_windows (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    system_id BIGINT NOT NULL REFERENCES systems (id),
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    reason TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT,
    recurrence TEXT,
    created_at BIGINT NOT NULL,
    CHECK (recurrence IS NOT NULL OR ends_at IS NOT NULL)
);

CREATE INDEX maintenance_windows_system ON maintenance_windows (system_id, starts_at);

-- Incidents opened by monitoring or alerts: what the report needs beside the ticket.
CREATE TABLE incidents (
    ticket_id BIGINT PRIMARY KEY REFERENCES tickets (id),
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    system_id BIGINT REFERENCES systems (id),
    detected_at BIGINT NOT NULL,
    found_before_customer SMALLINT NOT NULL CHECK (found_before_customer IN (0, 1)),
    down_since BIGINT,
    recovered_at BIGINT,
    downtime_ns BIGINT NOT NULL DEFAULT 0,
    flapping SMALLINT NOT NULL DEFAULT 0 CHECK (flapping IN (0, 1))
);

CREATE INDEX incidents_system ON incidents (customer_id, system_id);

-- One secret per customer for its alert webhooks (a digest, like API tokens).
CREATE TABLE alert_secrets (
    customer_id BIGINT PRIMARY KEY REFERENCES customers (id),
    digest TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

-- Alerts by source and fingerprint: a repeat updates its incident, a resolution records recovery.
CREATE TABLE alert_states (
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    source TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    firing SMALLINT NOT NULL CHECK (firing IN (0, 1)),
    repeats BIGINT NOT NULL DEFAULT 0,
    started_at BIGINT NOT NULL,
    resolved_at BIGINT,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (customer_id, source, fingerprint)
);

-- Opening an incident is check-then-create; this lease makes it one node at a time per system,
-- so two nodes confirming two monitors of one system together open one incident. A node that
-- dies holding it loses it when it expires.
CREATE TABLE incident_locks (
    lock_key TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);

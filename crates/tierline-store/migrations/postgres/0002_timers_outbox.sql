-- SLA timers: one row per ticket, clock and kind (warning or breach). A row fires at most once:
-- `fired_at` is set in the same transaction that records the event and the outbox message.
CREATE TABLE clock_timers (
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    clock TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('warning', 'breach')),
    fire_at BIGINT NOT NULL,
    fired_at BIGINT,
    PRIMARY KEY (ticket_id, clock, kind)
);

-- Only pending timers are looked up by time.
CREATE INDEX clock_timers_pending ON clock_timers (fire_at) WHERE fired_at IS NULL;

-- What later channels (mail, webhooks) deliver; written in the transaction of what it announces.
CREATE TABLE outbox (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    ticket_id BIGINT REFERENCES tickets (id),
    payload TEXT NOT NULL,
    delivered_at BIGINT
);

CREATE INDEX outbox_pending ON outbox (id) WHERE delivered_at IS NULL;

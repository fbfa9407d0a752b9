-- Idempotency keys of POST /tickets: a retried request with the same key returns the ticket the
-- first one made; the same key with a different request is refused.
CREATE TABLE idempotency_keys (
    user_id BIGINT NOT NULL REFERENCES users (id),
    key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, key)
);

-- Delivery of outbox messages (tierline-jobs' outbox task): how many attempts failed, when the
-- next may start (also a lease: a claimed row is pushed forward so no other node takes it while
-- it is being delivered), and why the last one failed.
ALTER TABLE outbox ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at BIGINT;
ALTER TABLE outbox ADD COLUMN last_error TEXT;

-- Undelivered messages are claimed by when they may next be tried.
CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE delivered_at IS NULL;

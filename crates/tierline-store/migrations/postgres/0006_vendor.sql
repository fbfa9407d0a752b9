-- Line 4: the outside party a ticket is escalated to, what it promised, and the vendor contact
-- (a user) it is shared with.
CREATE TABLE vendor_escalations (
    ticket_id BIGINT PRIMARY KEY REFERENCES tickets (id),
    vendor TEXT NOT NULL,
    external_ref TEXT,
    vendor_status TEXT,
    promise TEXT,
    promised_by BIGINT,
    contact_id BIGINT REFERENCES users (id),
    updated_at BIGINT NOT NULL
);

CREATE INDEX vendor_escalations_contact ON vendor_escalations (contact_id);

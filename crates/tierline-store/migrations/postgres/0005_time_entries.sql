-- Time logged by agents on tickets; consultation time counts against the contract's monthly hours.
CREATE TABLE time_entries (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    ticket_id BIGINT NOT NULL REFERENCES tickets (id),
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    minutes BIGINT NOT NULL CHECK (minutes > 0),
    worked_at BIGINT NOT NULL,
    consultation SMALLINT NOT NULL CHECK (consultation IN (0, 1)),
    note TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE INDEX time_entries_ticket ON time_entries (ticket_id, id);
CREATE INDEX time_entries_consultation ON time_entries (customer_id, worked_at) WHERE consultation = 1;

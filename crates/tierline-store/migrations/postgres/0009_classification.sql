-- Automatic classification: a ticket the classifier was unsure of waits on line 1 for an agent to
-- qualify it; agents' corrections are training examples; the rules administrators edit.
ALTER TABLE tickets ADD COLUMN needs_qualification SMALLINT NOT NULL DEFAULT 0 CHECK (needs_qualification IN (0, 1));

CREATE TABLE classifier_examples (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    class SMALLINT NOT NULL CHECK (class BETWEEN 1 AND 6),
    ticket_id BIGINT REFERENCES tickets (id),
    created_at BIGINT NOT NULL
);

CREATE TABLE classifier_rules (
    position BIGINT NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    pattern TEXT NOT NULL,
    class SMALLINT NOT NULL CHECK (class BETWEEN 1 AND 6),
    weight BIGINT NOT NULL
);

-- Whether the rules were ever set: an empty table then means "no rules", not "not seeded yet".
CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- Groups of agents (a team, a specialism) beside the lines; a ticket may be assigned to one.
CREATE TABLE agent_groups (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at BIGINT NOT NULL
);

CREATE TABLE group_members (
    group_id BIGINT NOT NULL REFERENCES agent_groups (id),
    user_id BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (group_id, user_id)
);

ALTER TABLE tickets ADD COLUMN group_id BIGINT REFERENCES agent_groups (id);
CREATE INDEX tickets_group ON tickets (group_id);

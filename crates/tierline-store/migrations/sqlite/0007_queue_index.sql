-- Queues sort by the nearest due time with tickets that have none last. NULLS LAST cannot walk
-- an ascending index on SQLite, so the sort key is an expression both backends index: no due
-- time reads as the largest possible instant.
DROP INDEX tickets_queue;
DROP INDEX tickets_next_due;
CREATE INDEX tickets_queue ON tickets (line, (COALESCE(next_due_at, 9223372036854775807)), id);
CREATE INDEX tickets_due_order ON tickets ((COALESCE(next_due_at, 9223372036854775807)), id);
CREATE INDEX tickets_next_due ON tickets (next_due_at);
-- Queues show active tickets: a partial index keeps their pages and counts small however much
-- history is stored. Queries repeat this exact condition so that SQLite uses it.
CREATE INDEX tickets_active_queue ON tickets (line, (COALESCE(next_due_at, 9223372036854775807)), id)
    WHERE status NOT IN ('resolved', 'closed');

-- A sign-in attempt is recorded before its password is checked (so concurrent attempts count
-- each other); `attempt` names the row, to drop it again when the attempt is refused unchecked.
ALTER TABLE signin_failures ADD COLUMN attempt TEXT;
CREATE INDEX signin_failures_attempt ON signin_failures (attempt);

-- Web sessions: the cookie holds a random secret; only its SHA-256 digest is stored.
CREATE TABLE sessions (
    digest TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX sessions_user ON sessions (user_id);

-- Failed sign-ins, counted per address and per client to slow guessing; cleared on success.
CREATE TABLE signin_failures (
    at BIGINT NOT NULL,
    email TEXT NOT NULL,
    client TEXT NOT NULL
);

CREATE INDEX signin_failures_email ON signin_failures (email, at);
CREATE INDEX signin_failures_client ON signin_failures (client, at);

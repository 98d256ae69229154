-- Sign-in sessions: the token itself is never stored, only its hash.

CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,         -- hex BLAKE2b-256 of the token
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked_at BIGINT                        -- set by logout
);

CREATE INDEX sessions_user ON sessions (user_id, expires_at);

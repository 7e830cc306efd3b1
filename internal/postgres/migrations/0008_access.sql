-- Who may do what: users are reps. API tokens and web sessions are kept
-- only as SHA-256 hashes of what the user holds; a rep's password as a
-- bcrypt hash ('' means the rep cannot log in to the web pages).
ALTER TABLE reps ADD COLUMN password_hash text NOT NULL DEFAULT '';

CREATE TABLE api_tokens (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    rep_id       bigint NOT NULL REFERENCES reps ON DELETE CASCADE,
    hash         bytea NOT NULL UNIQUE CHECK (length(hash) = 32),
    prefix       text NOT NULL UNIQUE CHECK (prefix <> ''), -- the token's public start, for listing and revoking
    label        text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL,
    last_used_at timestamptz,
    revoked_at   timestamptz
);
CREATE INDEX api_tokens_rep_idx ON api_tokens (rep_id);

CREATE TABLE sessions (
    id_hash    bytea PRIMARY KEY CHECK (length(id_hash) = 32),
    rep_id     bigint NOT NULL REFERENCES reps ON DELETE CASCADE,
    csrf_token text NOT NULL CHECK (csrf_token <> ''),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL CHECK (expires_at > created_at)
);
CREATE INDEX sessions_rep_idx ON sessions (rep_id);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

-- The suppression list's history: every address suppressed and every
-- suppression lifted, with why and by whom. The suppressions table keeps
-- only the addresses suppressed now; lifting deletes its row here.
CREATE TABLE suppression_events (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      text NOT NULL CHECK (email <> '' AND email = lower(email)),
    action     text NOT NULL CHECK (action IN ('suppressed', 'lifted')),
    reason     text NOT NULL CHECK (reason IN ('unsubscribe', 'hard_bounce', 'complaint')),
    detail     text NOT NULL DEFAULT '', -- what suppressed it, or why it was lifted
    by_rep_id  bigint REFERENCES reps ON DELETE SET NULL,
    by_name    text NOT NULL DEFAULT '', -- the rep's username then, or 'system'
    at         timestamptz NOT NULL
);
CREATE INDEX suppression_events_email_idx ON suppression_events (email, id);

INSERT INTO suppression_events (email, action, reason, detail, by_name, at)
SELECT email, 'suppressed', reason, detail, 'system', created_at FROM suppressions ORDER BY created_at, email;

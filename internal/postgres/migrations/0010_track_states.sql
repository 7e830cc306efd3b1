-- A whole track's state, set from the Tracks page: paused tracks send
-- nothing until resumed; retired tracks enroll nobody new. A track without a
-- row is active.
CREATE TABLE track_states (
    track_id   text PRIMARY KEY CHECK (track_id <> ''),
    state      text NOT NULL CHECK (state IN ('active', 'paused', 'retired')),
    changed_at timestamptz NOT NULL
);

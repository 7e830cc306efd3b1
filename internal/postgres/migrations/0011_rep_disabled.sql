-- A disabled rep no longer logs in or uses its tokens; it still owns its
-- contacts, and owner assignment skips it.
ALTER TABLE reps ADD COLUMN disabled_at timestamptz;

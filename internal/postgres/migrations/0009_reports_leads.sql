-- Reports and lead capture.
--
-- Web leads without a territory go to the sales reps in turn: the last one
-- given a lead is kept here (one row), so several daemons share one turn.
CREATE TABLE lead_rotation (
    id          boolean PRIMARY KEY DEFAULT true CHECK (id),
    last_rep_id bigint
);
INSERT INTO lead_rotation DEFAULT VALUES;

-- Lead forms submitted, by a digest of their fields, so the same form sent
-- again within minutes (a double click, a reload) is handled once.
CREATE TABLE lead_submissions (
    digest text PRIMARY KEY,
    at     timestamptz NOT NULL
);

-- Reports read contacts by creation time, finished activities by completion
-- time, and open opportunities by stage.
CREATE INDEX contacts_created_idx ON contacts (created_at);
CREATE INDEX activities_done_idx ON activities (completed_at) INCLUDE (rep_id, points) WHERE status = 'done';
CREATE INDEX opportunities_open_idx ON opportunities (stage) WHERE status = 'Open';

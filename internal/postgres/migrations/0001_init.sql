-- Dripline schema: the CRM side (reps, companies, contacts, campaigns,
-- opportunities, sales, events), the track engine (tracks, enrollments, the
-- touch outbox) and what touches leave behind (activities, letters, suppressions).

CREATE TABLE reps (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    username      text NOT NULL UNIQUE CHECK (username <> ''),
    name          text NOT NULL DEFAULT '',
    email         text NOT NULL DEFAULT '',
    signature     text NOT NULL DEFAULT '',
    phone         text NOT NULL DEFAULT '',
    title         text NOT NULL DEFAULT '',
    role          text NOT NULL DEFAULT 'sales' CHECK (role IN ('sales', 'admin', 'manager')),
    monthly_quota integer NOT NULL DEFAULT 500 CHECK (monthly_quota >= 0),
    created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE companies (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL CHECK (name <> ''),
    phone       text NOT NULL DEFAULT '',
    website     text NOT NULL DEFAULT '',
    street      text NOT NULL DEFAULT '',
    city        text NOT NULL DEFAULT '',
    region      text NOT NULL DEFAULT '',
    postal_code text NOT NULL DEFAULT '',
    country     text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX companies_name_key ON companies (lower(name));

CREATE TABLE campaigns (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL UNIQUE CHECK (name <> ''),
    type       text NOT NULL DEFAULT '',
    sub_type   text NOT NULL DEFAULT '',
    cost       numeric(14, 2) NOT NULL DEFAULT 0 CHECK (cost >= 0),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE contacts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    external_id text UNIQUE CHECK (external_id <> ''),
    email       text NOT NULL DEFAULT '',
    first_name  text NOT NULL DEFAULT '',
    last_name   text NOT NULL DEFAULT '',
    company_id  bigint REFERENCES companies ON DELETE SET NULL,
    company     text NOT NULL DEFAULT '',
    title       text NOT NULL DEFAULT '',
    phone       text NOT NULL DEFAULT '',
    time_zone   text NOT NULL DEFAULT '',
    status      text NOT NULL DEFAULT 'prospect' CHECK (status IN ('suspect', 'prospect', 'customer')),
    industry    text NOT NULL DEFAULT '',
    owner_id    bigint REFERENCES reps ON DELETE SET NULL,
    lead_source text NOT NULL DEFAULT '',
    campaign    text NOT NULL DEFAULT '',
    birthday    date,
    street      text NOT NULL DEFAULT '',
    city        text NOT NULL DEFAULT '',
    region      text NOT NULL DEFAULT '',
    postal_code text NOT NULL DEFAULT '',
    country     text NOT NULL DEFAULT '',
    custom      jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(custom) = 'object'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK (external_id IS NOT NULL OR email <> '')
);
CREATE INDEX contacts_email_idx ON contacts (lower(email));
CREATE INDEX contacts_owner_idx ON contacts (owner_id);
CREATE INDEX contacts_company_idx ON contacts (company_id);
CREATE INDEX contacts_birthday_idx ON contacts ((extract(month FROM birthday)), (extract(day FROM birthday)))
    WHERE birthday IS NOT NULL;

-- The days whose birthdays a daemon has claimed, so no one gets two greetings.
CREATE TABLE birthday_claims (
    day        date PRIMARY KEY,
    claimed_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE opportunities (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact_id  bigint REFERENCES contacts ON DELETE SET NULL,
    company_id  bigint REFERENCES companies ON DELETE SET NULL,
    name        text NOT NULL CHECK (name <> ''),
    type        text NOT NULL DEFAULT '',
    stage       text NOT NULL DEFAULT '',
    status      text NOT NULL DEFAULT 'Open' CHECK (status IN ('Open', 'Won', 'Lost')),
    lost_reason text NOT NULL DEFAULT '' CHECK (status = 'Lost' OR lost_reason = ''),
    revenue     numeric(14, 2) NOT NULL DEFAULT 0,
    campaign_id bigint REFERENCES campaigns ON DELETE SET NULL,
    close_date  date,
    owner_id    bigint REFERENCES reps ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX opportunities_contact_idx ON opportunities (contact_id);
CREATE INDEX opportunities_campaign_idx ON opportunities (campaign_id);

CREATE TABLE sales (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact_id     bigint REFERENCES contacts ON DELETE SET NULL,
    opportunity_id bigint REFERENCES opportunities ON DELETE SET NULL,
    amount         numeric(14, 2) NOT NULL DEFAULT 0,
    item           text NOT NULL DEFAULT '',
    sold_at        timestamptz NOT NULL,
    rep_id         bigint REFERENCES reps ON DELETE SET NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sales_contact_idx ON sales (contact_id, sold_at);

-- Every CRM event received, as received, for audit and re-processing. The
-- engine records an event in the transaction that acts on it.
CREATE TABLE events (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact_id  bigint NOT NULL REFERENCES contacts ON DELETE CASCADE,
    name        text NOT NULL CHECK (name <> ''),
    at          timestamptz NOT NULL,
    track       text NOT NULL DEFAULT '',
    amount      text NOT NULL DEFAULT '',
    item        text NOT NULL DEFAULT '',
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX events_contact_idx ON events (contact_id, at);

-- Every version of every track, kept so running enrollments keep their steps.
CREATE TABLE tracks (
    id         text NOT NULL CHECK (id <> ''),
    version    integer NOT NULL CHECK (version >= 1),
    hash       text NOT NULL CHECK (hash <> ''),
    source     text NOT NULL,
    file       text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (id, version),
    UNIQUE (id, hash)
);

CREATE TABLE enrollments (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact_id    bigint NOT NULL REFERENCES contacts ON DELETE CASCADE,
    track_id      text NOT NULL,
    track_version integer NOT NULL,
    state         text NOT NULL DEFAULT 'active'
                  CHECK (state IN ('active', 'paused', 'completed', 'exited', 'canceled')),
    anchor        timestamptz NOT NULL,
    started_at    timestamptz NOT NULL,
    ended_at      timestamptz,
    reason        text NOT NULL DEFAULT '',
    FOREIGN KEY (track_id, track_version) REFERENCES tracks (id, version),
    CHECK ((state IN ('active', 'paused')) = (ended_at IS NULL))
);
-- At most one open enrollment per contact and track.
CREATE UNIQUE INDEX enrollments_open_key ON enrollments (contact_id, track_id)
    WHERE state IN ('active', 'paused');
CREATE INDEX enrollments_contact_idx ON enrollments (contact_id, track_id, started_at DESC);
CREATE INDEX enrollments_track_open_idx ON enrollments (track_id, track_version)
    WHERE state IN ('active', 'paused');

-- The outbox: one row per timed touch of an enrollment.
CREATE TABLE touches (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    enrollment_id bigint NOT NULL REFERENCES enrollments ON DELETE CASCADE,
    contact_id    bigint NOT NULL, -- the enrollment's, as are the track's id and version
    track_id      text NOT NULL,
    track_version integer NOT NULL,
    step_index    integer NOT NULL CHECK (step_index >= 0),
    step_id       text NOT NULL CHECK (step_id <> ''),
    channel       text NOT NULL CHECK (channel IN ('email', 'letter', 'call', 'task')),
    due           timestamptz NOT NULL,
    state         text NOT NULL DEFAULT 'scheduled'
                  CHECK (state IN ('scheduled', 'queued', 'running', 'done', 'skipped', 'canceled', 'failed')),
    attempts      integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    lease_until   timestamptz,
    reason        text NOT NULL DEFAULT '',
    finished_at   timestamptz,
    queued_at     timestamptz,
    message_id    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (enrollment_id, step_index),
    CHECK ((state IN ('done', 'skipped', 'canceled', 'failed')) = (finished_at IS NOT NULL)),
    CHECK (state = 'running' OR lease_until IS NULL)
);
-- The scheduler tick: scheduled touches in the order it queues them, so a
-- batch reads only its own rows however many are due.
CREATE INDEX touches_scheduled_idx ON touches (due, id) WHERE state = 'scheduled';
-- The reconciler: touches handed to the queue or held by a worker.
CREATE INDEX touches_inflight_idx ON touches (due) WHERE state IN ('queued', 'running');
CREATE INDEX touches_contact_idx ON touches (contact_id, due);

CREATE TABLE activity_types (
    name           text PRIMARY KEY CHECK (name <> ''),
    points         integer NOT NULL CHECK (points >= 0),
    monthly_target integer NOT NULL DEFAULT 0 CHECK (monthly_target >= 0)
);
CREATE UNIQUE INDEX activity_types_name_key ON activity_types (lower(name));

CREATE TABLE activities (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact_id   bigint REFERENCES contacts ON DELETE CASCADE,
    rep_id       bigint REFERENCES reps ON DELETE SET NULL,
    touch_id     bigint UNIQUE REFERENCES touches ON DELETE SET NULL,
    type         text NOT NULL REFERENCES activity_types ON UPDATE CASCADE,
    points       integer NOT NULL CHECK (points >= 0),
    subject      text NOT NULL DEFAULT '',
    notes        text NOT NULL DEFAULT '',
    status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    due          timestamptz,
    completed_at timestamptz CHECK (status = 'done' OR completed_at IS NULL),
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX activities_contact_idx ON activities (contact_id, created_at);
CREATE INDEX activities_rep_open_idx ON activities (rep_id, due) WHERE status = 'open';
CREATE INDEX activities_rep_done_idx ON activities (rep_id, completed_at) WHERE status = 'done';

CREATE TABLE letter_batches (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by bigint REFERENCES reps ON DELETE SET NULL,
    count      integer NOT NULL DEFAULT 0 CHECK (count >= 0)
);

CREATE TABLE letters (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contact_id bigint NOT NULL REFERENCES contacts ON DELETE CASCADE,
    touch_id   bigint UNIQUE REFERENCES touches ON DELETE SET NULL,
    template   text NOT NULL CHECK (template <> ''),
    body       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    batch_id   bigint REFERENCES letter_batches ON DELETE SET NULL,
    printed_at timestamptz,
    purged_at  timestamptz
);
CREATE INDEX letters_pending_idx ON letters (created_at) WHERE batch_id IS NULL AND purged_at IS NULL;
CREATE INDEX letters_batch_idx ON letters (batch_id);

CREATE TABLE suppressions (
    email      text PRIMARY KEY CHECK (email <> '' AND email = lower(email)),
    reason     text NOT NULL CHECK (reason IN ('unsubscribe', 'hard_bounce', 'complaint')),
    detail     text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);

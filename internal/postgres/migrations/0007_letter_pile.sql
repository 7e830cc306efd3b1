-- The printed-letter pile: each letter keeps the postal address, the signing
-- rep and the contact's time zone as they were when it fell due, and ends
-- printed in a batch, emailed instead, or purged with a reason. A letter
-- without a usable address waits on the unmailable list with the reason.
-- Letter activities stay open until the letter leaves the building; a
-- purged letter's activity is canceled.
ALTER TABLE activities DROP CONSTRAINT activities_status_check;
ALTER TABLE activities ADD CONSTRAINT activities_status_check
    CHECK (status IN ('open', 'done', 'canceled'));

ALTER TABLE letter_batches
    ADD COLUMN kind   text NOT NULL DEFAULT '', -- the kind printed; '' for every kind
    ADD COLUMN before timestamptz,              -- only letters filed before this
    ADD COLUMN file   text NOT NULL DEFAULT '', -- where the PDF was written
    ADD COLUMN pages  integer NOT NULL DEFAULT 0 CHECK (pages >= 0);

ALTER TABLE letters
    ADD COLUMN activity_id      bigint REFERENCES activities ON DELETE SET NULL,
    ADD COLUMN rep_id           bigint REFERENCES reps ON DELETE SET NULL,
    ADD COLUMN time_zone        text NOT NULL DEFAULT '',
    ADD COLUMN to_name          text NOT NULL DEFAULT '',
    ADD COLUMN to_company       text NOT NULL DEFAULT '',
    ADD COLUMN street           text NOT NULL DEFAULT '',
    ADD COLUMN city             text NOT NULL DEFAULT '',
    ADD COLUMN region           text NOT NULL DEFAULT '',
    ADD COLUMN postal_code      text NOT NULL DEFAULT '',
    ADD COLUMN country          text NOT NULL DEFAULT '',
    ADD COLUMN signer_name      text NOT NULL DEFAULT '',
    ADD COLUMN signer_title     text NOT NULL DEFAULT '',
    ADD COLUMN signer_phone     text NOT NULL DEFAULT '',
    ADD COLUMN unmailable       text NOT NULL DEFAULT '', -- why it cannot be mailed: "no city, no postal code"
    ADD COLUMN purge_reason     text NOT NULL DEFAULT '',
    ADD COLUMN emailed_at       timestamptz,
    ADD COLUMN email_message_id text NOT NULL DEFAULT '',
    ADD CONSTRAINT letters_purge_reason CHECK ((purged_at IS NULL) = (purge_reason = '')),
    ADD CONSTRAINT letters_one_end CHECK (
        (printed_at IS NOT NULL)::int + (purged_at IS NOT NULL)::int + (emailed_at IS NOT NULL)::int <= 1);

-- The pile by kind: letters still waiting, printable or not.
DROP INDEX letters_pending_idx;
CREATE INDEX letters_waiting_idx ON letters (template, created_at, id)
    WHERE printed_at IS NULL AND purged_at IS NULL AND emailed_at IS NULL;
CREATE INDEX letters_contact_idx ON letters (contact_id, created_at);

-- Two indexes nothing reads, each written for every imported row.
--
-- contacts_email_idx (lower(email)) duplicated contacts_email_trim_idx
-- (lower(btrim(email))): contacts are found by email as lower(btrim(email))
-- everywhere now, the rule an address's uniqueness check already used, so
-- one index serves every lookup. events_contact_idx (contact_id, at) served
-- no query: events are only written, deduplicated by events_once_idx, whose
-- leading contact_id also serves the cascade of a contact's delete.
DROP INDEX contacts_email_idx;
DROP INDEX events_contact_idx;

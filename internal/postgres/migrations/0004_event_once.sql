-- A CRM event is handled once: the same event (contact, name, time, track,
-- item, amount) sent again, say by importing the same file twice, is ignored.
CREATE UNIQUE INDEX events_once_idx ON events (contact_id, name, at, track, item, amount);

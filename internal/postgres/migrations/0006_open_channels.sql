-- Channels are registered in the track language (tracks.Channels), not listed
-- here: the registry is the check, since a track naming an unknown channel
-- never parses, so no touch of one is ever written. Adding a channel needs no
-- migration; the column only has to name one.
ALTER TABLE touches DROP CONSTRAINT touches_channel_check;
ALTER TABLE touches ADD CONSTRAINT touches_channel_check CHECK (channel <> '');

-- An unsubscribe or bounce finds its contacts as the suppression list
-- compares addresses: case and surrounding spaces do not matter.
CREATE INDEX contacts_email_trim_idx ON contacts (lower(btrim(email)));

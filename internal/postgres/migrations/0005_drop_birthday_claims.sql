-- Birthdays no longer claim their day: the event log's unique index (0004)
-- keeps each contact's contact.birthday to one a day, even across daemons
-- and crashes.
DROP TABLE IF EXISTS birthday_claims;

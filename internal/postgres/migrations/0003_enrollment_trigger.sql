-- The CRM event that started an enrollment (or, for a chained one, the
-- enrollment before it), so templates can say what was bought, serviced or
-- attended: .Event.Name, .Event.Date, .Event.Item, .Event.Amount.
ALTER TABLE enrollments
    ADD COLUMN event_name   text NOT NULL DEFAULT '',
    ADD COLUMN event_at     timestamptz,
    ADD COLUMN event_item   text NOT NULL DEFAULT '',
    ADD COLUMN event_amount text NOT NULL DEFAULT '';

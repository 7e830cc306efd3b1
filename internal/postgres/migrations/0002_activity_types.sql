-- Activity types and their points, from the ConnectWise "Activities for Points"
-- table (chartec-crm-best-practices.txt): points per activity and the
-- recommended number per month. The seed's "Proacitve" is spelled correctly here.
INSERT INTO activity_types (name, points, monthly_target) VALUES
    ('Add Prospect to Funnel', 3, 20),
    ('1st Appointment', 10, 7),
    ('Discovery Meeting', 12, 4),
    ('Presentation Appointment', 14, 4),
    ('Follow Up Appointment to Close', 16, 0),
    ('Proactive Date With Client', 5, 0),
    ('Follow up Call/Email', 1, 0),
    ('Thank You Postcard after a meeting', 1, 0),
    ('2 Hr Cold Call Block', 15, 4),
    ('Marketing Track Activity Call', 1, 0),
    ('Lead Follow Up Call', 1, 0),
    ('Attend a Social Event/Trade Show', 10, 2),
    ('Host a Webinar or Lunch & Learn', 10, 1),
    ('Lunch Date w/ Client', 5, 2),
    ('Value Add Proactive Email', 2, 10),
    ('Technology Business Review Meeting', 20, 4),
    ('Referral Given to a Client', 5, 1),
    ('New Hardware Quote', 5, 15),
    ('New Addendum Quote', 10, 10),
    ('Thank You Card', 1, 10),
    ('Approved Wow Experience', 10, 2),
    -- Touches the engine carries out by itself earn no points.
    ('Marketing Track Email', 0, 0),
    ('Marketing Track Letter', 0, 0),
    ('Marketing Track Task', 0, 0);

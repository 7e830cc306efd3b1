-- The attempts of a touch that an outage of its channel's transport ended
-- (the SMTP server refusing our sessions): they stay counted in attempts,
-- the claim's fence, but not toward the touch's attempt limit.
ALTER TABLE touches ADD COLUMN outages integer NOT NULL DEFAULT 0
    CHECK (outages >= 0 AND outages <= attempts);

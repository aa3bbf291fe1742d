-- A claim no longer changes an indexed column: it sets lease_until and claim_token only, so
-- PostgreSQL can update the row in place (HOT) without touching the six indexes of the table.
-- "delivering" is now derived: status 'pending' with a lease that has not run out.
ALTER TABLE webhook_delivery ADD COLUMN lease_until timestamptz;
-- Room on each page for the in-place versions a claim writes.
ALTER TABLE webhook_delivery SET (fillfactor = 70);

UPDATE webhook_delivery SET status = 'pending', lease_until = next_attempt_at WHERE status = 'delivering';

ALTER TABLE webhook_delivery DROP CONSTRAINT webhook_delivery_status_check;
ALTER TABLE webhook_delivery ADD CONSTRAINT webhook_delivery_status_check
    CHECK (status IN ('pending', 'delivered', 'failed'));

DROP INDEX webhook_delivery_due;
CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status = 'pending';

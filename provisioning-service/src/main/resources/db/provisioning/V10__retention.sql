-- Retention of the service's history. (Numbered 10 to leave room for the schema changes of the
-- same release line.)

-- The retention sweep finds old rows by time instead of scanning the tables.
CREATE INDEX provisioning_processed_event_processed_idx ON provisioning_processed_event (processed_at);
CREATE INDEX provisioning_idempotency_key_created_idx ON provisioning_idempotency_key (created_at);
CREATE INDEX tenant_timeline_occurred_idx ON tenant_timeline (occurred_at);
-- "Has the tenant changed status since this entry?" for the timeline sweep.
CREATE INDEX tenant_timeline_transition_idx ON tenant_timeline (tenant_id, seq) WHERE to_status IS NOT NULL;

-- A command id is kept as long as a command can be redelivered or replayed (like a processed-event
-- id); a client's Idempotency-Key only for the retry window the API documents.
ALTER TABLE provisioning_idempotency_key ADD COLUMN from_command boolean NOT NULL DEFAULT false;

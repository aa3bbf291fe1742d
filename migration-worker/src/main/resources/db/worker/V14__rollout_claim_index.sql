-- A claim takes the first pending tenant of a stage in schema-name order. Without this index each
-- claim sorted every pending tenant of the stage, so a rollout's claims cost grew with the square
-- of its size; with it, a claim reads one index entry.
CREATE INDEX tenant_rollout_target_pending_idx ON tenant_rollout_target (rollout_id, stage, schema_name)
    WHERE state = 'pending';

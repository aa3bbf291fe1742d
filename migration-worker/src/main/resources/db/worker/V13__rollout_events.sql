-- Rollout lifecycle events (RolloutStarted, RolloutStageCompleted, RolloutHalted, RolloutCompleted),
-- written in the same transaction as the rollout's change of state and published to
-- tenant-lifecycle afterwards: an outbox, so that no event is lost when a worker dies between the
-- commit and the send. One instance at a time publishes, in the order the events were written.
CREATE TABLE tenant_rollout_event (
    event_id     text        PRIMARY KEY,
    rollout_id   text        NOT NULL,
    seq          bigint      GENERATED ALWAYS AS IDENTITY,
    -- The whole CloudEvent in structured mode, as it goes to Kafka.
    cloud_event  text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
);

CREATE INDEX tenant_rollout_event_unpublished_idx ON tenant_rollout_event (seq) WHERE published_at IS NULL;
CREATE INDEX tenant_rollout_event_rollout_idx ON tenant_rollout_event (rollout_id);

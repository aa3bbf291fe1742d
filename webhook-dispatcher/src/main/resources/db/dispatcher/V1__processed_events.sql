-- Message log of the webhook-dispatcher: one row per consumed event id (effectively-once consumption).
CREATE TABLE dispatcher_processed_event (
    consumer      text        NOT NULL,
    event_id      text        NOT NULL,
    processed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);

-- The migration worker's own tables in the shared schema. Tenant tables never live here.

-- Message log: one row per request event this worker handled (effectively-once consumption).
CREATE TABLE worker_processed_event (
    consumer      text        NOT NULL,
    event_id      text        NOT NULL,
    processed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);

-- One row per attempt to create, upgrade, roll back or delete a tenant schema.
CREATE TABLE migration_run (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id      text        NOT NULL,
    schema_name    text        NOT NULL,
    request_id     text        NOT NULL,
    kind           text        NOT NULL CHECK (kind IN ('new', 'upgrade', 'rollback', 'deletion')),
    status         text        NOT NULL CHECK (status IN ('succeeded', 'failed')),
    from_version   text,
    to_version     text,
    failed_version text,
    applied_count  integer     NOT NULL DEFAULT 0,
    started_at     timestamptz NOT NULL,
    finished_at    timestamptz NOT NULL,
    duration_ms    bigint      NOT NULL,
    error_code     text,
    error_message  text,
    result_detail  text
);
CREATE INDEX migration_run_tenant_idx ON migration_run (tenant_id, started_at DESC);
CREATE INDEX migration_run_request_idx ON migration_run (request_id);

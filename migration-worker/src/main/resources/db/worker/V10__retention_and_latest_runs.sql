-- Retention of the worker's own history, and the latest run per schema without reading the log.
-- (Numbered 10 to leave room for the schema changes of the same release line.)

-- The retention sweep finds old rows by time instead of scanning the tables.
CREATE INDEX worker_processed_event_processed_idx ON worker_processed_event (processed_at);
CREATE INDEX migration_run_finished_idx ON migration_run (finished_at);
-- "Is there a later run of this tenant?" for the sweep, which keeps each tenant's latest run.
CREATE INDEX migration_run_tenant_id_idx ON migration_run (tenant_id, id);

-- The latest run of every schema, kept by a trigger on migration_run. Drift verification (and so
-- the readiness check, every 10 s) reads this one row per schema instead of a DISTINCT ON over
-- the whole run log, whose cost grew with every run ever made.
CREATE TABLE migration_run_latest (
    schema_name    text        PRIMARY KEY,
    run_id         bigint      NOT NULL UNIQUE,
    tenant_id      text        NOT NULL,
    kind           text        NOT NULL,
    status         text        NOT NULL,
    failed_version text,
    error_code     text,
    error_message  text
);

CREATE FUNCTION tenantry_track_latest_run() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Runs of one schema can commit out of id order; the highest id wins, as in the log.
    INSERT INTO public.migration_run_latest AS l (schema_name, run_id, tenant_id, kind, status, failed_version,
                                                  error_code, error_message)
    VALUES (NEW.schema_name, NEW.id, NEW.tenant_id, NEW.kind, NEW.status, NEW.failed_version, NEW.error_code,
            NEW.error_message)
    ON CONFLICT (schema_name) DO UPDATE
        SET run_id = excluded.run_id, tenant_id = excluded.tenant_id, kind = excluded.kind,
            status = excluded.status, failed_version = excluded.failed_version,
            error_code = excluded.error_code, error_message = excluded.error_message
        WHERE l.run_id < excluded.run_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER migration_run_track_latest AFTER INSERT ON migration_run
    FOR EACH ROW EXECUTE FUNCTION tenantry_track_latest_run();

INSERT INTO migration_run_latest (schema_name, run_id, tenant_id, kind, status, failed_version, error_code,
                                  error_message)
SELECT DISTINCT ON (schema_name) schema_name, id, tenant_id, kind, status, failed_version, error_code, error_message
FROM migration_run
ORDER BY schema_name, id DESC;

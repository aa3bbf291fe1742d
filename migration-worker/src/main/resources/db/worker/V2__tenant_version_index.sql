-- An index of every tenant schema's current migration version, kept by a trigger on each tenant's
-- Flyway history table. It lets drift verification read one small shared table instead of opening
-- ten thousand history tables (which costs seconds and PostgreSQL's lock budget). Schemas whose
-- history table has no trigger yet are still read directly, so the index can never hide drift.
CREATE TABLE tenant_schema_version (
    schema_name  text        PRIMARY KEY,
    version      text,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION tenantry_track_schema_version() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    current_version text;
BEGIN
    EXECUTE format('SELECT version FROM %I.%I WHERE success AND version IS NOT NULL '
                   'ORDER BY installed_rank DESC LIMIT 1', TG_TABLE_SCHEMA, TG_TABLE_NAME)
        INTO current_version;
    INSERT INTO public.tenant_schema_version AS v (schema_name, version, updated_at)
    VALUES (TG_TABLE_SCHEMA, current_version, now())
    ON CONFLICT (schema_name) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at;
    RETURN NULL;
END;
$$;

CREATE INDEX migration_run_schema_idx ON migration_run (schema_name, id DESC);

-- The version-index trigger reduced to one statement that calls a plain function.
--
-- Why: PL/pgSQL compiles a trigger function once per table it fires on, in every session, and
-- keeps each copy's prepared plans for the life of the session. Every tenant has its own history
-- table, so a pooled worker session that created or upgraded a thousand tenants held a thousand
-- copies, and PostgreSQL re-checks every kept plan on each catalog change any other session
-- makes: the DDL of each new tenant. The body now lives in tenantry_record_schema_version, a
-- normal function compiled once per session, and each per-table copy of the trigger keeps one
-- plan instead of three. Measured at 200,000 relations with ten sessions that had each fired the
-- trigger on 500 history tables, then created 50 demo tenants each: 24 s before, 11-15 s after,
-- 5-8 s for sessions that had fired it on none. What remains grows with the tables a session has
-- touched, so the worker also renews its sessions after so many tenant changes
-- (tenantry.worker.tenant-migrations.session-renewal-every).
CREATE FUNCTION tenantry_record_schema_version(target_schema text, history_table text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    current_version text;
BEGIN
    EXECUTE format('SELECT version FROM %I.%I WHERE success AND version IS NOT NULL '
                   'ORDER BY installed_rank DESC LIMIT 1', target_schema, history_table)
        INTO current_version;
    INSERT INTO public.tenant_schema_version AS v (schema_name, version, updated_at)
    VALUES (target_schema, current_version, now())
    ON CONFLICT (schema_name) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at;
END;
$$;

CREATE OR REPLACE FUNCTION tenantry_track_schema_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM public.tenantry_record_schema_version(TG_TABLE_SCHEMA, TG_TABLE_NAME);
    -- A statement-level trigger's result is ignored. RETURN NULL would be one more kept plan per
    -- table; NEW (null here) is a variable and needs none.
    RETURN NEW;
END;
$$;

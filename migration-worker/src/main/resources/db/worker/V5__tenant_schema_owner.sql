-- Which tenant owns each tenant schema, recorded by the worker under the schema's lock when it
-- creates, upgrades, archives or drops it. A slug is given up by a rolled-back or deleted tenant
-- and can be taken by a new one, so the schema name alone does not say whose data it holds: a
-- replayed rollback or deletion of the old tenant must not touch the new tenant's schema.
CREATE TABLE tenant_schema_owner (
    schema_name    text        PRIMARY KEY,
    tenant_id      text        NOT NULL,
    -- The request that created or last changed the schema, and when it was sent (null: unknown).
    request_id     text        NOT NULL,
    request_time   timestamptz,
    -- Set by an upgrade to an explicit target version: drift repair leaves the schema there.
    pinned_version text,
    recorded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tenant_schema_owner_tenant_idx ON tenant_schema_owner (tenant_id);

-- Schemas that exist already: their owner is the tenant of their latest run in the run log when
-- that run created or upgraded them (request times unknown). Archives: the deletion that made them.
INSERT INTO tenant_schema_owner (schema_name, tenant_id, request_id)
SELECT last.schema_name, last.tenant_id, last.request_id
FROM (SELECT DISTINCT ON (schema_name) schema_name, tenant_id, request_id, kind
      FROM migration_run ORDER BY schema_name, id DESC) last
WHERE last.kind IN ('new', 'upgrade')
  AND EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname = last.schema_name);

INSERT INTO tenant_schema_owner (schema_name, tenant_id, request_id)
SELECT DISTINCT ON (r.result_detail) r.result_detail, r.tenant_id, r.request_id
FROM migration_run r
WHERE r.kind = 'deletion' AND r.status = 'succeeded' AND r.result_detail IS NOT NULL
  AND EXISTS (SELECT 1 FROM pg_namespace n WHERE n.nspname = r.result_detail)
ORDER BY r.result_detail, r.id DESC
ON CONFLICT (schema_name) DO NOTHING;

-- The tenant migration versions the worker knows, refreshed at start and at every drift check.
-- The provisioning service reads it to refuse an upgrade to a version that does not exist.
CREATE TABLE tenant_migration_version (
    version      text        PRIMARY KEY,
    description  text,
    recorded_at  timestamptz NOT NULL DEFAULT now()
);

-- Ready-made tenant schemas (the spare pool). A spare is a complete tenant schema at one release
-- of the tenant migrations, built in the background under a name drift checks never see
-- (tenantry_spare_*). A signup takes one by renaming it to tenant_<slug>: a catalog update instead
-- of creating every table and index while the customer waits.
CREATE TABLE tenant_spare_schema (
    schema_name  text        PRIMARY KEY,
    -- Which migrations the spare holds: versions and checksums of every script, digested. A spare is
    -- only handed out while the configured migrations still digest to the same value.
    release      text        NOT NULL,
    version      text        NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tenant_spare_schema_release_idx ON tenant_spare_schema (release, created_at);

-- The tenant registry: one row per tenant request, its saga state and versions.
CREATE TABLE tenant (
    id                   uuid        PRIMARY KEY,
    slug                 text        NOT NULL,
    display_name         text        NOT NULL,
    plan                 text,
    metadata             jsonb       NOT NULL DEFAULT '{}'::jsonb,
    status               text        NOT NULL CHECK (status IN ('REQUESTED', 'PROVISIONING', 'ACTIVE', 'FAILED',
                                         'COMPENSATING', 'ROLLED_BACK', 'UPGRADING', 'UPGRADE_FAILED', 'DELETING',
                                         'DELETED')),
    current_version      text,
    target_version       text,
    failure_reason       text,
    -- Id of the last migration request sent for this tenant: only a result caused by it is applied.
    last_request_id      text,
    -- Id of the event that started the tenant's workflow; every later event carries it.
    correlation_id       text        NOT NULL,
    -- How many times the current provisioning request was sent (a stuck one is re-sent once).
    request_attempts     integer     NOT NULL DEFAULT 0,
    status_changed_at    timestamptz NOT NULL DEFAULT now(),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);

-- A slug is taken only while its tenant is live: after ROLLED_BACK or DELETED it can be used again.
CREATE UNIQUE INDEX tenant_live_slug_key ON tenant (slug) WHERE status NOT IN ('ROLLED_BACK', 'DELETED');
CREATE INDEX tenant_slug_idx ON tenant (slug, created_at DESC);
-- Cursor pagination walks (created_at, id), with or without a status filter.
CREATE INDEX tenant_page_idx ON tenant (created_at, id);
CREATE INDEX tenant_status_page_idx ON tenant (status, created_at, id);
-- The stuck-saga sweep looks for tenants waiting on the worker for too long.
CREATE INDEX tenant_waiting_idx ON tenant (status_changed_at)
    WHERE status IN ('PROVISIONING', 'COMPENSATING', 'UPGRADING', 'DELETING');

-- Everything that happened to a tenant, in order: transitions, requests, results (applied or
-- ignored), compensation steps, rejected requests.
CREATE TABLE tenant_timeline (
    seq          bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id    uuid        NOT NULL REFERENCES tenant (id),
    occurred_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    kind         text        NOT NULL,
    from_status  text,
    to_status    text,
    event_type   text,
    event_id     text,
    detail       text
);
CREATE INDEX tenant_timeline_tenant_idx ON tenant_timeline (tenant_id, seq);

-- Idempotency keys (REST Idempotency-Key header, command ids of tenant-commands): the first
-- request's fingerprint and response, replayed for the same request, refused for another one.
CREATE TABLE provisioning_idempotency_key (
    idempotency_key  text        PRIMARY KEY,
    request_hash     text        NOT NULL,
    tenant_id        uuid,
    response_status  integer     NOT NULL,
    response_body    jsonb       NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);

-- Transactional outbox, relayed to Kafka by the Debezium embedded engine (EventRouter).
-- Columns named as Debezium's outbox router expects; ce_* become CloudEvents headers; topic
-- routes the record. A row is deleted once Kafka has acknowledged it.
CREATE TABLE provisioning_outbox (
    id                uuid        PRIMARY KEY,
    aggregatetype     text        NOT NULL,
    aggregateid       text        NOT NULL,
    type              text        NOT NULL,
    payload           jsonb       NOT NULL,
    topic             text        NOT NULL,
    ce_id             text        NOT NULL,
    ce_type           text        NOT NULL,
    ce_source         text        NOT NULL,
    ce_time           text        NOT NULL,
    ce_subject        text        NOT NULL,
    ce_causationid    text,
    ce_correlationid  text,
    created_at        timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX provisioning_outbox_created_idx ON provisioning_outbox (created_at);

-- Written by Debezium's heartbeat action query so that the replication slot keeps advancing
-- while no tenant changes: an idle database must not retain WAL without bound.
CREATE TABLE provisioning_outbox_heartbeat (
    id         bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    beat_at    timestamptz NOT NULL DEFAULT now()
);

-- Debezium source offsets of the relay (replication position), shared by every replica so that
-- the one that takes over continues where the last one stopped.
CREATE TABLE provisioning_relay_offset (
    offset_key    bytea       PRIMARY KEY,
    offset_value  bytea,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

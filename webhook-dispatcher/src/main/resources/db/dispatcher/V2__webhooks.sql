-- Webhook endpoints, their signing secrets, deliveries and attempts. All in the shared schema:
-- dispatch runs here, so the tables must be here (never in tenant schemas).

CREATE TABLE webhook_endpoint (
    id               uuid        PRIMARY KEY,
    url              text        NOT NULL,
    description      text,
    -- NULL = every lifecycle event type / every tenant.
    event_types      text[],
    tenant_ids       text[],
    enabled          boolean     NOT NULL DEFAULT true,
    disabled_reason  text,
    disabled_at      timestamptz,
    -- Start of the current run of failed attempts (NULL after a success): drives auto-disable.
    failing_since    timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Signing secrets, AES-256-GCM encrypted with the dispatcher's key (nonce || ciphertext || tag).
-- The current secret has valid_until NULL; a rotated-out one signs until valid_until.
CREATE TABLE webhook_secret (
    endpoint_id  uuid        NOT NULL REFERENCES webhook_endpoint (id) ON DELETE CASCADE,
    version      integer     NOT NULL,
    ciphertext   bytea       NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    valid_until  timestamptz,
    PRIMARY KEY (endpoint_id, version)
);

CREATE TABLE webhook_delivery (
    id                    uuid        PRIMARY KEY,
    event_id              text        NOT NULL,
    endpoint_id           uuid        NOT NULL REFERENCES webhook_endpoint (id) ON DELETE CASCADE,
    tenant_id             text,
    event_type            text        NOT NULL,
    -- The CloudEvent in structured JSON, exactly the bytes that are signed and sent.
    payload               text        NOT NULL,
    status                text        NOT NULL CHECK (status IN ('pending', 'delivering', 'delivered', 'failed')),
    attempt_count         integer     NOT NULL DEFAULT 0,
    -- Attempts since the delivery was last (re)queued: its place in the retry schedule.
    schedule_position     integer     NOT NULL DEFAULT 0,
    -- pending: when the next attempt is due; delivering: when the claim's lease runs out.
    next_attempt_at       timestamptz,
    claim_token           bigint,
    last_attempt_at       timestamptz,
    last_response_status  integer,
    last_error            text,
    created_at            timestamptz NOT NULL DEFAULT now(),
    delivered_at          timestamptz,
    UNIQUE (event_id, endpoint_id)
);

-- The queue: only rows that can still become due are indexed.
CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE status IN ('pending', 'delivering');
CREATE INDEX webhook_delivery_endpoint ON webhook_delivery (endpoint_id, created_at);
CREATE INDEX webhook_delivery_tenant ON webhook_delivery (tenant_id, created_at);
CREATE INDEX webhook_delivery_created ON webhook_delivery (created_at);

CREATE TABLE webhook_attempt (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id      uuid        NOT NULL REFERENCES webhook_delivery (id) ON DELETE CASCADE,
    attempt_number   integer     NOT NULL,
    attempted_at     timestamptz NOT NULL,
    response_status  integer,
    duration_ms      integer     NOT NULL,
    error            text,
    -- First 4 KB of the response body, as text.
    response_body    text
);

CREATE INDEX webhook_attempt_delivery ON webhook_attempt (delivery_id, id);

-- Fleet rollouts: a release brought to many tenants in stages, as a durable plan every worker
-- instance executes. Progress lives here, not in a worker's memory, so a rollout survives the
-- death of any worker and more workers make it faster.

CREATE TABLE tenant_rollout (
    id              text        PRIMARY KEY,
    target_version  text        NOT NULL,
    -- running | paused | halted | aborted | completed
    state           text        NOT NULL,
    -- Why it is paused, halted or aborted (or what it waits for), for whoever looks.
    reason          text,
    requested_by    text        NOT NULL,
    -- The stage whose tenants are claimed now (its position).
    current_stage   integer     NOT NULL DEFAULT 0,
    -- No tenant of the current stage is claimed before this (a pause between stages).
    stage_not_before timestamptz NOT NULL DEFAULT now(),
    created_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz
);

-- One rollout per target version at a time: a second request is refused by this index.
CREATE UNIQUE INDEX tenant_rollout_one_open_per_version ON tenant_rollout (target_version)
    WHERE state IN ('running', 'paused', 'halted');
CREATE INDEX tenant_rollout_created_idx ON tenant_rollout (created_at DESC);

CREATE TABLE tenant_rollout_stage (
    rollout_id      text        NOT NULL REFERENCES tenant_rollout (id) ON DELETE CASCADE,
    position        integer     NOT NULL,
    name            text        NOT NULL,
    -- Tenants of this stage migrated at once, by all workers together.
    parallelism     integer     NOT NULL CHECK (parallelism > 0),
    -- The rollout halts as soon as more tenants than this failed in the stage.
    max_failures    integer     NOT NULL CHECK (max_failures >= 0),
    -- Wait this long after the stage before starting the next one.
    pause_after_ms  bigint      NOT NULL DEFAULT 0,
    -- After this stage the rollout pauses until an operator resumes it.
    gate_after      boolean     NOT NULL DEFAULT false,
    started_at      timestamptz,
    finished_at     timestamptz,
    PRIMARY KEY (rollout_id, position)
);

CREATE TABLE tenant_rollout_target (
    rollout_id      text        NOT NULL REFERENCES tenant_rollout (id) ON DELETE CASCADE,
    schema_name     text        NOT NULL,
    tenant_id       text        NOT NULL,
    stage           integer     NOT NULL,
    -- Its version when the rollout was planned (null: never migrated, so Flyway builds it up).
    from_version    text,
    -- pending | running | done | failed | skipped
    state           text        NOT NULL,
    attempts        integer     NOT NULL DEFAULT 0,
    error           text,
    -- The worker instance that claimed it, and until when the claim holds without renewal.
    claimed_by      text,
    lease_until     timestamptz,
    started_at      timestamptz,
    finished_at     timestamptz,
    duration_ms     bigint,
    PRIMARY KEY (rollout_id, schema_name)
);

-- Claims look for the pending (or lease-expired) tenants of one stage.
CREATE INDEX tenant_rollout_target_claim_idx ON tenant_rollout_target (rollout_id, stage, state);

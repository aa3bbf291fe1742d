-- When the tenant's last migration request was sent (set whenever last_request_id changes). With
-- the time of the answer (status_changed_at once the tenant has left the waiting statuses) it tells
-- the stuck-tenant sweep how far the worker has got: a request still queued behind others is not
-- taken for lost. Null for tenants answered before this column existed.
ALTER TABLE tenant ADD COLUMN request_sent_at timestamptz;

-- The answers of the last few minutes, for that sweep.
CREATE INDEX tenant_answered_idx ON tenant (status_changed_at)
    WHERE status IN ('ACTIVE', 'FAILED', 'ROLLED_BACK', 'UPGRADE_FAILED', 'DELETED');

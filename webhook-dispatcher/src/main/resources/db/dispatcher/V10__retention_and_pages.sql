-- Retention and cursor pages. (Numbered 10 to leave room for the schema changes of the same
-- release line.)

-- The retention sweep finds old processed-event ids by time instead of scanning the table.
CREATE INDEX dispatcher_processed_event_processed_idx ON dispatcher_processed_event (processed_at);

-- Pages walk (created_at, id): the endpoint list oldest first, the delivery log newest first, with
-- or without an endpoint or tenant filter. These replace the (…, created_at) indexes they extend.
CREATE INDEX webhook_endpoint_page_idx ON webhook_endpoint (created_at, id);
CREATE INDEX webhook_delivery_page_idx ON webhook_delivery (created_at, id);
CREATE INDEX webhook_delivery_endpoint_page_idx ON webhook_delivery (endpoint_id, created_at, id);
CREATE INDEX webhook_delivery_tenant_page_idx ON webhook_delivery (tenant_id, created_at, id);
DROP INDEX webhook_delivery_created;
DROP INDEX webhook_delivery_endpoint;
DROP INDEX webhook_delivery_tenant;

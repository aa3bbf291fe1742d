-- Measured: leaving claimed rows in place at the head of the due index (V3) made every claim
-- re-read all deliveries in flight. A claim now also moves next_attempt_at to the end of its
-- lease, so in-place updates are not possible anyway: back to the default fill factor.
ALTER TABLE webhook_delivery RESET (fillfactor);

-- Every claim and every outcome leaves a dead entry at the head of the due index, which each
-- later claim walks over until VACUUM removes it. Vacuum this busy table early rather than at the
-- default 20 % of its rows.
ALTER TABLE webhook_delivery SET (autovacuum_vacuum_scale_factor = 0.01, autovacuum_vacuum_threshold = 1000,
                                  autovacuum_vacuum_insert_scale_factor = 0.05);

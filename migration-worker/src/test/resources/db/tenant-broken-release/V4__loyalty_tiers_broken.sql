-- A release with a mistake in it (test only): the first statement works, the second refers to
-- a table that does not exist. PostgreSQL's transactional DDL must undo the first one too.
CREATE TABLE loyalty_tiers (
    id    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name  text NOT NULL
);
ALTER TABLE customer_profiles ADD COLUMN tier_id bigint REFERENCES loyalty_tiers (id);

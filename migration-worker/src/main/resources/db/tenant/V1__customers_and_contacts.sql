-- Demo SaaS tenant schema, release 1: who the tenant sells to.
-- Unqualified names: the worker runs every tenant migration with search_path set to that
-- tenant's schema, so the same script builds every tenant.
CREATE TABLE customers (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text        NOT NULL,
    name        text        NOT NULL,
    email       text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT customers_code_unique UNIQUE (code)
);
CREATE INDEX customers_name_idx ON customers (lower(name));

CREATE TABLE contacts (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id  bigint      NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    full_name    text        NOT NULL,
    email        text,
    phone        text,
    created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contacts_customer_idx ON contacts (customer_id);
CREATE INDEX contacts_email_idx ON contacts (lower(email));

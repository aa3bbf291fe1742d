-- Release 3: billing.
CREATE TABLE invoices (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    customer_id  bigint        NOT NULL REFERENCES customers (id),
    plant_id     bigint        REFERENCES plants (id),
    number       text          NOT NULL,
    issued_on    date          NOT NULL DEFAULT current_date,
    total_cents  bigint        NOT NULL CHECK (total_cents >= 0),
    currency     char(3)       NOT NULL DEFAULT 'EUR',
    status       text          NOT NULL DEFAULT 'draft'
                 CHECK (status IN ('draft', 'issued', 'paid', 'void')),
    CONSTRAINT invoices_number_unique UNIQUE (number)
);
CREATE INDEX invoices_customer_idx ON invoices (customer_id, issued_on DESC);
CREATE INDEX invoices_status_idx ON invoices (status) WHERE status <> 'paid';
ALTER TABLE customers ADD COLUMN payment_terms_days integer NOT NULL DEFAULT 30;

-- Release 2: the supply side.
CREATE TABLE suppliers (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text        NOT NULL,
    name        text        NOT NULL,
    country     char(2),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT suppliers_code_unique UNIQUE (code)
);

CREATE TABLE carriers (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name         text NOT NULL,
    scac_code    text,
    CONSTRAINT carriers_scac_unique UNIQUE (scac_code)
);

CREATE TABLE plants (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    supplier_id  bigint REFERENCES suppliers (id),
    carrier_id   bigint REFERENCES carriers (id),
    name         text NOT NULL,
    city         text,
    capacity     integer CHECK (capacity IS NULL OR capacity >= 0)
);
CREATE INDEX plants_supplier_idx ON plants (supplier_id);
CREATE INDEX plants_carrier_idx ON plants (carrier_id);

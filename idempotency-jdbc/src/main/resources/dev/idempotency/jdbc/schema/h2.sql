-- The idempotency record table for H2 2.x. ${table} and ${index} are replaced by the configured names
-- (default idempotency_records and idempotency_records_expires_at) when the store creates the table itself.
CREATE TABLE IF NOT EXISTS ${table} (
    key_hash     BINARY(32)             NOT NULL,  -- SHA-256 of the namespace and the key: the unique key
    namespace    CHARACTER VARYING      NOT NULL,  -- kept in full, checked on every read
    idem_key     CHARACTER VARYING(255) NOT NULL,
    state        CHARACTER VARYING(16)  NOT NULL,  -- IN_PROGRESS or COMPLETED
    owner        CHARACTER VARYING(1000),           -- the claim's owner token while IN_PROGRESS
    fingerprint  CHARACTER VARYING(1000) NOT NULL,  -- the payload fingerprint of the call that claimed the key
    outcome_kind CHARACTER VARYING(16),            -- VALUE, EXCEPTION or UNREPLAYABLE once COMPLETED
    outcome_type CHARACTER VARYING,                -- the exception's class name for EXCEPTION
    outcome_body CHARACTER LARGE OBJECT,           -- the JSON of the result (or exception, or the reason)
    expires_at   BIGINT                 NOT NULL,  -- milliseconds since the epoch (UTC)
    CONSTRAINT ${table_name}_pk PRIMARY KEY (key_hash)
);
CREATE INDEX IF NOT EXISTS ${index} ON ${table} (expires_at);

-- The table of the JDBC store with its default names, for Flyway (a repeatable migration: it only creates what
-- is missing) or Liquibase (sqlFile). Generated from dev/idempotency/jdbc/schema/h2.sql; MigrationScriptsTest keeps
-- the two equal.
CREATE TABLE IF NOT EXISTS idempotency_records (
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
    CONSTRAINT idempotency_records_pk PRIMARY KEY (key_hash)
);
CREATE INDEX IF NOT EXISTS idempotency_records_expires_at ON idempotency_records (expires_at);

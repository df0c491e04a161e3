-- The table of the JDBC store with its default names, for Flyway (a repeatable migration: it only creates what
-- is missing) or Liquibase (sqlFile). Generated from dev/idempotency/jdbc/schema/postgresql.sql; MigrationScriptsTest keeps
-- the two equal.
CREATE TABLE IF NOT EXISTS idempotency_records (
    key_hash     BYTEA        NOT NULL,  -- SHA-256 of the namespace and the key: the unique key
    namespace    TEXT         NOT NULL,  -- kept in full, checked on every read
    idem_key     VARCHAR(255) NOT NULL,
    state        VARCHAR(16)  NOT NULL,  -- IN_PROGRESS or COMPLETED
    owner        VARCHAR(1000),           -- the claim's owner token while IN_PROGRESS, NULL once COMPLETED
    fingerprint  VARCHAR(1000) NOT NULL,  -- the payload fingerprint of the call that claimed the key
    outcome_kind VARCHAR(16),            -- VALUE, EXCEPTION or UNREPLAYABLE once COMPLETED
    outcome_type TEXT,                   -- the exception's class name for EXCEPTION
    outcome_body TEXT,                   -- the JSON of the result (or exception, or the reason)
    expires_at   BIGINT       NOT NULL,  -- milliseconds since the epoch (UTC): end of the lease, or of the ttl
    CONSTRAINT idempotency_records_pk PRIMARY KEY (key_hash)
);
CREATE INDEX IF NOT EXISTS idempotency_records_expires_at ON idempotency_records (expires_at);

-- The table of the JDBC store with its default names, for Flyway (a repeatable migration: it only creates what
-- is missing) or Liquibase (sqlFile). Generated from dev/idempotency/jdbc/schema/mariadb.sql; MigrationScriptsTest keeps
-- the two equal.
CREATE TABLE IF NOT EXISTS idempotency_records (
    key_hash     BINARY(32)   NOT NULL,  -- SHA-256 of the namespace and the key: the unique key
    namespace    TEXT         NOT NULL,  -- kept in full, checked on every read
    idem_key     VARCHAR(255) NOT NULL,
    state        VARCHAR(16)  NOT NULL,  -- IN_PROGRESS or COMPLETED
    owner        VARCHAR(1000) NULL,      -- the claim's owner token while IN_PROGRESS, NULL once COMPLETED
    fingerprint  VARCHAR(1000) NOT NULL,  -- the payload fingerprint of the call that claimed the key
    outcome_kind VARCHAR(16)  NULL,      -- VALUE, EXCEPTION or UNREPLAYABLE once COMPLETED
    outcome_type TEXT         NULL,      -- the exception's class name for EXCEPTION
    outcome_body LONGTEXT     NULL,      -- the JSON of the result (or exception, or the reason)
    expires_at   BIGINT       NOT NULL,  -- milliseconds since the epoch (UTC): end of the lease, or of the ttl
    PRIMARY KEY (key_hash),
    INDEX idempotency_records_expires_at (expires_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

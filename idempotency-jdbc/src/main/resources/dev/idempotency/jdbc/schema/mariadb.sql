-- The idempotency record table for MariaDB (InnoDB). ${table} and ${index} are replaced by the configured
-- names (default idempotency_records and idempotency_records_expires_at) when the store creates the table itself.
CREATE TABLE IF NOT EXISTS ${table} (
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
    INDEX ${index} (expires_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

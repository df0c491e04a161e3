CREATE TABLE IF NOT EXISTS accounts (
    id      VARCHAR(64) PRIMARY KEY,
    balance BIGINT      NOT NULL
);
CREATE TABLE IF NOT EXISTS transfers (
    id          VARCHAR(64) PRIMARY KEY,
    from_id     VARCHAR(64) NOT NULL,
    to_id       VARCHAR(64) NOT NULL,
    amount      BIGINT      NOT NULL,
    executed_at TIMESTAMP   NOT NULL
);

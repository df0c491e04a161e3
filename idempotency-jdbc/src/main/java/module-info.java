/**
 * The database store (PostgreSQL, MariaDB, H2), its transactional mode, and the database guards. Spring's
 * transactions are joined when Spring is present; it is not required.
 */
module dev.idempotency.jdbc {
    requires transitive dev.idempotency.core;
    requires transitive java.sql;
    requires com.zaxxer.hikari;
    requires static spring.jdbc;
    requires static spring.tx;

    exports dev.idempotency.jdbc;

    provides dev.idempotency.spi.IdempotencyStoreProvider with dev.idempotency.jdbc.JdbcStoreProvider;
}

package dev.idempotency.spring.boot.autoconfigure;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.jdbc.JdbcStore;
import javax.sql.DataSource;

/**
 * The database store on the application's own {@code DataSource}. Inside a Spring transaction on that data source
 * (a {@code @Transactional} method), the claim and the record are written on the transaction's connection and
 * commit or roll back with the business writes: the transactional mode of idempotency-jdbc, found by the store
 * itself through Spring's transaction synchronization.
 */
final class JdbcStores {

    private JdbcStores() {
    }

    static JdbcStore create(DataSource dataSource, IdempotencyProperties.Jdbc jdbc) {
        JdbcStore.Builder builder = JdbcStore.builder(dataSource).createTable(jdbc.isCreateTable());
        try {
            builder.table(jdbc.getTable());
        } catch (IdempotencyConfigurationException e) {
            throw new InvalidIdempotencyPropertyException("idempotency.jdbc.table", jdbc.getTable(), e.getMessage(),
                    "Set idempotency.jdbc.table to a table name, optionally schema-qualified, e.g."
                            + " billing.idempotency_records.", e);
        }
        return builder.build();
    }
}

/**
 * The database store and its helpers: {@link dev.idempotency.jdbc.JdbcStore} on PostgreSQL, MariaDB or H2, built
 * over the application's {@link javax.sql.DataSource} or from a {@code jdbc:} store URI
 * ({@link dev.idempotency.jdbc.JdbcStoreProvider}, found through {@link java.util.ServiceLoader});
 * {@link dev.idempotency.jdbc.JdbcIdempotency} for transactional mode with plain JDBC (Spring's transactions are
 * joined by themselves when spring-jdbc is present); and two guards that make an operation idempotent with the
 * database alone, {@link dev.idempotency.jdbc.BusinessKeyGuard} (a business unique key) and
 * {@link dev.idempotency.jdbc.StateGuard} (a compare-and-set state field).
 *
 * <p>The table's DDL for each database ships in the jar (see {@link dev.idempotency.jdbc.Database#schemaResource()}).
 * The store's other classes are package-private.
 */
package dev.idempotency.jdbc;

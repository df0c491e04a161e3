package dev.idempotency.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The HikariCP pool of a store built from a {@code jdbc:} URI, which the store owns and closes. Creating it opens no
 * connection: the pool is told to skip its initial connect and to keep no idle connections, so that neither the
 * constructor nor HikariCP's background filler touches the database before the store's first operation. After the
 * first successful contact it keeps {@code poolSize} connections ready, as a fixed-size pool does.
 */
final class OwnedPool implements AutoCloseable {

    private final HikariDataSource pool;
    private final int poolSize;

    /**
     * @throws RuntimeException from HikariCP for a configuration it refuses (e.g. no driver for the URL); its message
     *                          may hold the URL, which the caller redacts
     */
    OwnedPool(HikariConfig config) {
        this.poolSize = config.getMaximumPoolSize();
        config.setMinimumIdle(0);
        // no connect at construction: a database that is down does not fail the build, the first call connects
        config.setInitializationFailTimeout(-1);
        this.pool = new HikariDataSource(config);
    }

    HikariDataSource dataSource() {
        return pool;
    }

    void firstContactMade() {
        if (pool.getMinimumIdle() != poolSize && !pool.isClosed()) {
            pool.getHikariConfigMXBean().setMinimumIdle(poolSize);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}

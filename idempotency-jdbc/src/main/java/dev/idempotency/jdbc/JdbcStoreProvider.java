package dev.idempotency.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.IdempotencyStoreProvider;
import dev.idempotency.spi.Options;
import java.sql.Driver;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code jdbc:postgresql:…}, {@code jdbc:mariadb:…}, {@code jdbc:h2:…}: a {@link JdbcStore} on its own HikariCP pool,
 * which the store closes. The URL is the driver's own; the store's options are parameters named
 * {@code idempotency.*}, which are taken out before the URL reaches the driver. Durations are written as everywhere
 * in the library ({@code 500ms}, {@code 30s}, {@code 10m}, {@code PT1M}; a bare number is refused):
 *
 * <pre>
 * jdbc:postgresql://db:5432/app?user=app&amp;password=secret&amp;idempotency.table=idem_records&amp;idempotency.createTable=true
 * jdbc:h2:mem:app;DB_CLOSE_DELAY=-1;idempotency.createTable=true
 * </pre>
 *
 * <p>Creating a store opens no connection: a bad option or a URL no driver takes is an
 * {@link IdempotencyConfigurationException} here, with the password masked; the database itself is first met by the
 * store's first operation (see the life cycle in {@link JdbcStore}). {@code jdbc:mysql:} is accepted only to be refused with the reason:
 * the store is not tested on MySQL.
 */
public final class JdbcStoreProvider implements IdempotencyStoreProvider {

    static final String PREFIX = "idempotency.";
    private static final Pattern OPTION = Pattern.compile("([?&;])" + Pattern.quote(PREFIX) + "([A-Za-z]*)=([^&;]*)");
    private static final Map<String, String> KNOWN = new LinkedHashMap<>();

    static {
        KNOWN.put("table", "the table, default " + JdbcStore.DEFAULT_TABLE);
        KNOWN.put("createTable", "true to create the table on first use, default false");
        KNOWN.put("clock", "database (default) or runtime");
        KNOWN.put("purgeInterval", "a duration, default 1m, 0s turns purging off");
        KNOWN.put("purgeBatchSize", "default " + JdbcStore.DEFAULT_PURGE_BATCH_SIZE);
        KNOWN.put("poolSize", "the pool's maximum size, default 10");
        KNOWN.put("connectionTimeout", "a duration, how long a call waits for a connection, default 5s");
    }

    @Override
    public String uriForms() {
        return "jdbc:postgresql:…, jdbc:mariadb:…, jdbc:h2:… [with idempotency.* options]";
    }

    /** The URLs of the databases the store speaks, and MySQL's, which {@link #create} refuses with the reason. */
    @Override
    public boolean accepts(String uri) {
        return Database.ofUrl(uri) != null || Database.isMySqlUrl(uri);
    }

    @Override
    public IdempotencyStore create(String uri, Clock clock) {
        if (Database.isMySqlUrl(uri)) {
            throw bad(uri, Database.MYSQL_UNSUPPORTED);
        }
        Database database = Database.ofUrl(uri);
        if (database == null) {
            throw bad(uri, "not a jdbc:postgresql:, jdbc:mariadb: or jdbc:h2: URL");
        }
        Map<String, String> options = new LinkedHashMap<>();
        String url = stripOptions(uri, options);
        int poolSize = 10;
        Duration connectionTimeout = Duration.ofSeconds(5);
        String table = null;
        Boolean createTable = null;
        Boolean runtimeClock = null;
        Duration purgeInterval = null;
        Integer purgeBatchSize = null;
        for (Map.Entry<String, String> option : options.entrySet()) {
            String name = option.getKey();
            String value = option.getValue();
            try {
                switch (name) {
                    case "table" -> table = value;
                    case "createTable" -> createTable = Options.bool(PREFIX + name, value);
                    case "clock" -> {
                        if (!value.equals("database") && !value.equals("runtime")) {
                            throw bad(uri, PREFIX + "clock must be database or runtime, but was '" + value + "'");
                        }
                        runtimeClock = value.equals("runtime");
                    }
                    case "purgeInterval" -> purgeInterval = Options.duration(PREFIX + name, value);
                    case "purgeBatchSize" -> purgeBatchSize = Options.integer(PREFIX + name, value);
                    case "poolSize" -> {
                        poolSize = Options.integer(PREFIX + name, value);
                        if (poolSize < 1 || poolSize > 1000) {
                            throw bad(uri, PREFIX + "poolSize must be between 1 and 1000, but was " + poolSize);
                        }
                    }
                    case "connectionTimeout" -> {
                        connectionTimeout = Options.positiveDuration(PREFIX + name, value);
                        if (connectionTimeout.toMillis() < 250) {
                            throw bad(uri, PREFIX + "connectionTimeout must be at least 250ms, but was '" + value + "'");
                        }
                    }
                    default -> throw bad(uri, "unknown option '" + PREFIX + name + "' (known: " + String.join(", ",
                            KNOWN.keySet().stream().map(k -> PREFIX + k).toList()) + ")");
                }
            } catch (IllegalArgumentException e) {
                throw bad(uri, e.getMessage());
            }
        }
        String redacted = Options.redact(url);
        HikariConfig config = new HikariConfig();
        Driver driver = driverFor(url);
        if (driver != null) {
            config.setDataSource(new DriverDataSource(driver, url));
        } else {
            config.setJdbcUrl(url); // DriverManager's drivers, as HikariCP finds them itself
        }
        config.setPoolName("idempotency-" + database.id());
        config.setMaximumPoolSize(poolSize);
        config.setConnectionTimeout(connectionTimeout.toMillis());
        config.setAutoCommit(true);
        OwnedPool pool;
        try {
            pool = new OwnedPool(config);
        } catch (RuntimeException e) {
            // HikariCP's message may quote the URL, password and all
            throw bad(uri, "cannot create a connection pool for " + redacted + ": " + Options.redact(e.getMessage()));
        }
        try {
            JdbcStore.Builder builder = JdbcStore.builder(pool.dataSource()).database(database)
                    .ownedPool(pool, "url=" + redacted);
            if (table != null) {
                builder.table(table);
            }
            if (createTable != null) {
                builder.createTable(createTable);
            }
            if (Boolean.TRUE.equals(runtimeClock)) {
                builder.clock(clock);
            }
            if (purgeInterval != null) {
                builder.purgeInterval(purgeInterval);
            }
            if (purgeBatchSize != null) {
                builder.purgeBatchSize(purgeBatchSize);
            }
            return builder.build();
        } catch (IdempotencyConfigurationException e) {
            pool.close();
            throw new IdempotencyConfigurationException("bad store URI '" + Options.redact(uri) + "': "
                    + e.getMessage(), null, null, e.getCause());
        } catch (RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /**
     * The driver for the URL, loaded through the thread's context class loader first, then this class's and the
     * system's: a driver packed in a Spring Boot jar's {@code BOOT-INF/lib} is visible only to the application's
     * loader, and {@code DriverManager} refuses to hand out drivers its caller's loader cannot see (the javaagent's
     * store is such a caller). {@code null} if none of them has one; then HikariCP asks {@code DriverManager}.
     */
    static Driver driverFor(String url) {
        Set<ClassLoader> loaders = new LinkedHashSet<>();
        loaders.add(Thread.currentThread().getContextClassLoader());
        loaders.add(JdbcStoreProvider.class.getClassLoader());
        loaders.add(ClassLoader.getSystemClassLoader());
        for (ClassLoader loader : loaders) {
            if (loader == null) {
                continue;
            }
            Iterator<Driver> drivers = ServiceLoader.load(Driver.class, loader).iterator();
            while (true) {
                try {
                    if (!drivers.hasNext()) {
                        break;
                    }
                    Driver driver = drivers.next();
                    if (driver.acceptsURL(url)) {
                        return driver;
                    }
                } catch (ServiceConfigurationError | SQLException | LinkageError broken) {
                    // one broken or unloadable driver entry does not hide the others
                }
            }
        }
        return null;
    }

    /** The URL without the {@code idempotency.*} parameters, which are put into {@code options}. */
    static String stripOptions(String uri, Map<String, String> options) {
        Matcher m = OPTION.matcher(uri);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            options.put(m.group(2), m.group(3));
            // keep a '?' that opens the query, so that parameters after it still follow one
            m.appendReplacement(out, m.group(1).equals("?") ? "?" : "");
        }
        m.appendTail(out);
        String url = out.toString().replace("?&", "?");
        if (url.endsWith("?")) {
            url = url.substring(0, url.length() - 1);
        }
        return url;
    }

    private static IdempotencyConfigurationException bad(String uri, String why) {
        return new IdempotencyConfigurationException("bad store URI '" + Options.redact(uri) + "': " + why, null, null);
    }
}

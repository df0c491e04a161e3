package dev.idempotency.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.internal.StoreUris;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.IdempotencyStoreProvider;
import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code jdbc:postgresql:…}, {@code jdbc:mariadb:…}, {@code jdbc:mysql:…}, {@code jdbc:h2:…}: a {@link JdbcStore} on
 * its own HikariCP pool. The URL is the driver's own; the store's options are parameters named
 * {@code idempotency.*}, which are taken out before the URL reaches the driver:
 *
 * <pre>
 * jdbc:postgresql://db:5432/app?user=app&amp;password=secret&amp;idempotency.table=idem_records&amp;idempotency.createTable=true
 * jdbc:h2:mem:app;DB_CLOSE_DELAY=-1;idempotency.createTable=true
 * </pre>
 */
public final class JdbcStoreProvider implements IdempotencyStoreProvider {

    static final String PREFIX = "idempotency.";
    private static final Pattern OPTION = Pattern.compile("([?&;])" + Pattern.quote(PREFIX) + "([A-Za-z]*)=([^&;]*)");
    private static final Map<String, String> KNOWN = new LinkedHashMap<>();

    static {
        KNOWN.put("table", "the table, default " + JdbcStore.DEFAULT_TABLE);
        KNOWN.put("createTable", "true to create the table at start, default false");
        KNOWN.put("clock", "database (default) or runtime");
        KNOWN.put("purgeInterval", "ISO-8601, default PT1M, PT0S turns purging off");
        KNOWN.put("purgeBatchSize", "default " + JdbcStore.DEFAULT_PURGE_BATCH_SIZE);
        KNOWN.put("poolSize", "the pool's maximum size, default 10");
        KNOWN.put("connectionTimeout", "ISO-8601, how long a call waits for a connection, default PT5S");
    }

    @Override
    public String uriForms() {
        return "jdbc:postgresql:…, jdbc:mariadb:…, jdbc:mysql:…, jdbc:h2:… [with idempotency.* options]";
    }

    @Override
    public boolean accepts(String uri) {
        return Database.ofUrl(uri) != null;
    }

    @Override
    public IdempotencyStore create(String uri, Clock clock) {
        Database database = Database.ofUrl(uri);
        if (database == null) {
            throw bad(uri, "not a jdbc:postgresql:, jdbc:mariadb:, jdbc:mysql: or jdbc:h2: URL");
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
            switch (name) {
                case "table" -> table = value;
                case "createTable" -> createTable = bool(uri, name, value);
                case "clock" -> {
                    if (!value.equals("database") && !value.equals("runtime")) {
                        throw bad(uri, PREFIX + "clock must be database or runtime, but was '" + value + "'");
                    }
                    runtimeClock = value.equals("runtime");
                }
                case "purgeInterval" -> purgeInterval = duration(uri, name, value);
                case "purgeBatchSize" -> purgeBatchSize = integer(uri, name, value);
                case "poolSize" -> {
                    poolSize = integer(uri, name, value);
                    if (poolSize < 1 || poolSize > 1000) {
                        throw bad(uri, PREFIX + "poolSize must be between 1 and 1000, but was " + poolSize);
                    }
                }
                case "connectionTimeout" -> {
                    connectionTimeout = duration(uri, name, value);
                    if (connectionTimeout.toMillis() < 250) {
                        throw bad(uri, PREFIX + "connectionTimeout must be at least PT0.25S, but was " + value);
                    }
                }
                default -> throw bad(uri, "unknown option '" + PREFIX + name + "' (known: " + String.join(", ",
                        KNOWN.keySet().stream().map(k -> PREFIX + k).toList()) + ")");
            }
        }
        String redacted = StoreUris.redact(url);
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
        // start even while the database is down: calls fail closed until it is up, and need no restart after
        config.setInitializationFailTimeout(-1);
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw bad(uri, "cannot create a connection pool for " + redacted + ": " + e.getMessage());
        }
        try {
            JdbcStore.Builder builder = JdbcStore.builder(pool).database(database).ownedDataSource(pool, "url=" + redacted);
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
            throw new IdempotencyConfigurationException("bad store URI '" + StoreUris.redact(uri) + "': "
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

    /** The pool's connections straight from one driver, whatever class loader it came from. */
    static final class DriverDataSource implements DataSource {
        private final Driver driver;
        private final String url;
        private volatile int loginTimeout;
        private volatile PrintWriter logWriter;

        DriverDataSource(Driver driver, String url) {
            this.driver = driver;
            this.url = url;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return connect(new Properties());
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            Properties properties = new Properties();
            if (username != null) {
                properties.setProperty("user", username);
            }
            if (password != null) {
                properties.setProperty("password", password);
            }
            return connect(properties);
        }

        private Connection connect(Properties properties) throws SQLException {
            Connection connection = driver.connect(url, properties);
            if (connection == null) {
                throw new SQLException(driver.getClass().getName() + " does not accept " + StoreUris.redact(url));
            }
            return connection;
        }

        @Override
        public PrintWriter getLogWriter() {
            return logWriter;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
            logWriter = out;
        }

        @Override
        public void setLoginTimeout(int seconds) {
            loginTimeout = seconds;
        }

        @Override
        public int getLoginTimeout() {
            return loginTimeout;
        }

        @Override
        public java.util.logging.Logger getParentLogger() throws SQLFeatureNotSupportedException {
            return driver.getParentLogger();
        }

        @Override
        public <T> T unwrap(Class<T> type) throws SQLException {
            if (type.isInstance(this)) {
                return type.cast(this);
            }
            throw new SQLException("not a wrapper for " + type.getName());
        }

        @Override
        public boolean isWrapperFor(Class<?> type) {
            return type.isInstance(this);
        }
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

    private static boolean bool(String uri, String name, String value) {
        if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw bad(uri, PREFIX + name + " must be true or false, but was '" + value + "'");
        }
        return Boolean.parseBoolean(value.toLowerCase(Locale.ROOT));
    }

    private static int integer(String uri, String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw bad(uri, PREFIX + name + " must be a whole number, but was '" + value + "'");
        }
    }

    private static Duration duration(String uri, String name, String value) {
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw bad(uri, PREFIX + name + " must be an ISO-8601 duration such as PT1M, but was '" + value + "'");
        }
    }

    private static IdempotencyConfigurationException bad(String uri, String why) {
        return new IdempotencyConfigurationException("bad store URI '" + StoreUris.redact(uri) + "': " + why, null, null);
    }
}

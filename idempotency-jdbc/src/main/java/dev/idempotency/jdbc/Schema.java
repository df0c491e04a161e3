package dev.idempotency.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.Locale;

/**
 * The store's first contact with its database: which database it is, the table created if asked for, and a probe
 * that the table has the columns the statements use. A problem found here is not an outage: it is reported as a
 * {@link Problem}, which every call then reports as a store error that is not "unreachable".
 */
final class Schema {

    private final Database configured;
    private final String table;
    private final boolean createTable;
    private final boolean databaseClock;

    Schema(Database configured, String table, boolean createTable, boolean databaseClock) {
        this.configured = configured;
        this.table = table;
        this.createTable = createTable;
        this.databaseClock = databaseClock;
    }

    /** Checks (or creates) the table on the connection and compiles the statements for it. */
    Statements check(Connection c) throws SQLException {
        Database database = database(c);
        SQLException createFailure = null;
        if (createTable) {
            try {
                create(c, database);
            } catch (SQLException e) {
                createFailure = e; // e.g. another process created it at the same moment: the probe decides
            }
        }
        Statements s = new Statements(database, table, databaseClock, inProcess(database, c));
        try (Statement st = c.createStatement()) {
            st.executeQuery(s.probe).close();
        } catch (SQLException e) {
            if (SqlErrors.isUnreachable(e)) {
                throw e;
            }
            SQLException cause = createFailure != null ? createFailure : e;
            throw new Problem("the idempotency table " + table + " is missing or lacks columns in the "
                    + database.id() + " database (" + SqlErrors.describe(cause) + "): create it with the DDL in "
                    + database.schemaResource() + " (in the idempotency-jdbc jar), or let the store create it"
                    + " (URI option idempotency.createTable=true, or createTable(true) on the builder)", cause);
        }
        return s;
    }

    /**
     * The statements for the table if it is there and complete, read on a connection in the middle of its
     * transaction, which a failed probe must not abort: {@code null} when it is not there (the caller then checks on
     * a connection of its own, creating the table if it may).
     */
    Statements probe(Connection inTransaction) throws SQLException {
        Database database = database(inTransaction);
        Statements s = new Statements(database, table, databaseClock, inProcess(database, inTransaction));
        Savepoint savepoint = inTransaction.setSavepoint();
        try (Statement st = inTransaction.createStatement()) {
            st.executeQuery(s.probe).close();
        } catch (SQLException e) {
            if (SqlErrors.isUnreachable(e)) {
                throw e;
            }
            inTransaction.rollback(savepoint);
            return null;
        }
        try {
            inTransaction.releaseSavepoint(savepoint);
        } catch (SQLException | UnsupportedOperationException notNeeded) {
            // a savepoint that cannot be released ends with the transaction
        }
        return s;
    }

    /** Whether the database runs in this process: H2 in memory or on a file, not over TCP or TLS. */
    private static boolean inProcess(Database database, Connection c) throws SQLException {
        if (database != Database.H2) {
            return false;
        }
        String url = c.getMetaData().getURL();
        String lower = url == null ? "" : url.toLowerCase(Locale.ROOT);
        return !(lower.startsWith("jdbc:h2:tcp:") || lower.startsWith("jdbc:h2:ssl:"));
    }

    /**
     * The configured database, or the one the connection's metadata names. A MySQL server is refused either way:
     * the MariaDB driver connects to one too, but the store's SQL has never been tested on it. (A MariaDB server seen
     * through MySQL's driver calls itself MySQL, with MariaDB in its version: that is MariaDB.)
     */
    private Database database(Connection c) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        String product = meta.getDatabaseProductName();
        String version = meta.getDatabaseProductVersion();
        Database detected = Database.ofProductName(product);
        if (detected == null && version != null && version.toLowerCase(Locale.ROOT).contains("mariadb")) {
            detected = Database.MARIADB;
        }
        if (detected == null && product != null && product.toLowerCase(Locale.ROOT).contains("mysql")) {
            throw new Problem(Database.MYSQL_UNSUPPORTED + "; but the data source connects to " + product + " "
                    + version, null);
        }
        if (configured != null) {
            return configured;
        }
        if (detected == null) {
            throw new Problem("the JDBC store supports PostgreSQL, MariaDB and H2, but the data source connects to "
                    + product, null);
        }
        return detected;
    }

    private void create(Connection c, Database database) throws SQLException {
        String unqualified = SqlIdentifiers.unqualified(table);
        String ddl = ddl(database).replace("${table}", table).replace("${table_name}", unqualified)
                .replace("${index}", unqualified + "_expires_at");
        try (Statement st = c.createStatement()) {
            for (String statement : ddl.split(";\\s*(\\n|$)")) {
                if (!statement.isBlank()) {
                    st.execute(statement);
                }
            }
        }
    }

    /** The DDL for a database, without comments: the text of {@link Database#schemaResource()}. */
    static String ddl(Database database) {
        try (InputStream in = Schema.class.getClassLoader().getResourceAsStream(database.schemaResource())) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + database.schemaResource());
            }
            StringBuilder sb = new StringBuilder();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                int comment = line.indexOf("--");
                String code = comment >= 0 ? line.substring(0, comment) : line;
                if (!code.isBlank()) {
                    sb.append(code.stripTrailing()).append('\n');
                }
            }
            return sb.toString();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + database.schemaResource(), e);
        }
    }

    /** The table is missing, lacks columns, or the database is not one the store speaks: no outage. */
    static final class Problem extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Problem(String message, Throwable cause) {
            super(message, cause);
        }
    }
}

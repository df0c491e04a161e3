package dev.idempotency.jdbc;

import java.util.Locale;

/** The databases the store speaks to, each with its own SQL for claim-or-read, time and purge. */
public enum Database {
    /** PostgreSQL 12 or later. */
    POSTGRESQL("postgresql", "postgresql.sql"),
    /** MariaDB 10.5 or later (InnoDB). */
    MARIADB("mariadb", "mariadb.sql"),
    /** H2 2.x, for tests and single-process use. */
    H2("h2", "h2.sql");

    /** Why MySQL is refused: its URL, a data source that connects to it. */
    static final String MYSQL_UNSUPPORTED = "MySQL is not supported: the JDBC store is tested on PostgreSQL, MariaDB"
            + " and H2 only, never on MySQL; use MariaDB (jdbc:mariadb:…) or PostgreSQL";

    private final String id;
    private final String schemaResource;

    Database(String id, String schemaResource) {
        this.id = id;
        this.schemaResource = schemaResource;
    }

    /**
     * The name used in URIs and descriptions, e.g. {@code postgresql}.
     *
     * @return the lower-case name that follows {@code jdbc:} in this database's URLs
     */
    public String id() {
        return id;
    }

    /**
     * The classpath resource with this database's DDL, e.g. {@code dev/idempotency/jdbc/schema/postgresql.sql}, for
     * the default table name.
     *
     * @return the resource's path, without a leading slash (for {@link ClassLoader#getResource})
     */
    public String schemaResource() {
        return "dev/idempotency/jdbc/schema/" + schemaResource;
    }

    /** The database a {@code jdbc:} URL names, or {@code null}. */
    static Database ofUrl(String url) {
        String lower = url.toLowerCase(Locale.ROOT);
        for (Database d : values()) {
            if (lower.startsWith("jdbc:" + d.id + ":")) {
                return d;
            }
        }
        return null;
    }

    /** Whether the URL is a MySQL driver's, which the store refuses (see {@link #MYSQL_UNSUPPORTED}). */
    static boolean isMySqlUrl(String url) {
        return url.toLowerCase(Locale.ROOT).startsWith("jdbc:mysql:");
    }

    /** The database behind a connection, from {@code DatabaseMetaData.getDatabaseProductName()}, or {@code null}. */
    static Database ofProductName(String productName) {
        String lower = productName == null ? "" : productName.toLowerCase(Locale.ROOT);
        if (lower.contains("postgres")) {
            return POSTGRESQL;
        }
        if (lower.contains("mariadb")) {
            return MARIADB;
        }
        if (lower.equals("h2")) {
            return H2;
        }
        return null;
    }
}

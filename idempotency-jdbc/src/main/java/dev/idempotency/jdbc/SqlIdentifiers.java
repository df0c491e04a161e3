package dev.idempotency.jdbc;

import java.util.regex.Pattern;

/**
 * Table and column names that go into SQL text. They are never taken from user input as they come: only plain
 * identifiers ({@code [A-Za-z_][A-Za-z0-9_]*}, at most 63 characters) are accepted, and a table may be qualified by
 * one schema ({@code billing.orders}). Values are always bound as parameters, never spliced.
 */
final class SqlIdentifiers {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private SqlIdentifiers() {
    }

    /** The identifier itself, or an {@link IllegalArgumentException} that names what and why. */
    static String column(String what, String name) {
        if (name == null || !IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " must be a plain SQL identifier ([A-Za-z_][A-Za-z0-9_]*, at most"
                    + " 63 characters), but was " + (name == null ? "null" : "'" + name + "'"));
        }
        return name;
    }

    /** A table name, optionally qualified by a schema: {@code orders} or {@code billing.orders}. */
    static String table(String what, String name) {
        if (name != null) {
            int dot = name.indexOf('.');
            if (dot > 0 && name.indexOf('.', dot + 1) < 0
                    && IDENTIFIER.matcher(name.substring(0, dot)).matches()
                    && IDENTIFIER.matcher(name.substring(dot + 1)).matches()) {
                return name;
            }
            if (IDENTIFIER.matcher(name).matches()) {
                return name;
            }
        }
        throw new IllegalArgumentException(what + " must be a plain SQL identifier ([A-Za-z_][A-Za-z0-9_]*, at most 63"
                + " characters), optionally qualified by a schema (schema.table), but was "
                + (name == null ? "null" : "'" + name + "'"));
    }

    /** The unqualified part of a table name: {@code orders} for {@code billing.orders}. */
    static String unqualified(String table) {
        return table.substring(table.indexOf('.') + 1);
    }
}

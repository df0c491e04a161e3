package dev.idempotency.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One statement, compiled once per store from a template with named parameters ({@code :hash}, {@code :now}, …)
 * into JDBC text with {@code ?} and the order in which to bind them. With the database's clock, {@code :now} becomes
 * the database's own expression for the current time and binds nothing.
 */
final class Sql {

    /** What a parameter is bound from. */
    enum Param {
        HASH, NS, KEY, OWNER, FP, NOW, LEASE, TTL, KIND, TYPE, BODY, SEEN_EXPIRES, SEEN_STATE, LIMIT
    }

    private static final Pattern NAMED = Pattern.compile("(?<![:\\w]):([a-z][a-z_]*)");

    final String text;
    private final Param[] params;

    private Sql(String text, Param[] params) {
        this.text = text;
        this.params = params;
    }

    /**
     * @param nowSql the database's expression for "now" in epoch milliseconds, or {@code null} to bind the
     *               runtime's time
     */
    static Sql compile(String template, String table, String nowSql) {
        String withTable = template.replace("{T}", table);
        Matcher m = NAMED.matcher(withTable);
        StringBuilder out = new StringBuilder(withTable.length());
        List<Param> order = new ArrayList<>();
        while (m.find()) {
            Param p = Param.valueOf(m.group(1).toUpperCase(java.util.Locale.ROOT));
            if (p == Param.NOW && nowSql != null) {
                m.appendReplacement(out, Matcher.quoteReplacement(nowSql));
            } else {
                order.add(p);
                m.appendReplacement(out, "?");
            }
        }
        m.appendTail(out);
        return new Sql(out.toString(), order.toArray(new Param[0]));
    }

    PreparedStatement prepare(java.sql.Connection c, Args a) throws SQLException {
        PreparedStatement ps = c.prepareStatement(text);
        try {
            bind(ps, a);
            return ps;
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
    }

    /** Runs the statement as an update: the number of rows it changed. */
    int update(java.sql.Connection c, Args a) throws SQLException {
        try (PreparedStatement ps = prepare(c, a)) {
            return ps.executeUpdate();
        }
    }

    private void bind(PreparedStatement ps, Args a) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            int at = i + 1;
            switch (params[i]) {
                case HASH -> ps.setBytes(at, a.hash);
                case NS -> ps.setString(at, a.namespace);
                case KEY -> ps.setString(at, a.key);
                case OWNER -> ps.setString(at, a.owner);
                case FP -> ps.setString(at, a.fingerprint);
                case NOW -> ps.setLong(at, a.now);
                case LEASE -> ps.setLong(at, a.leaseMillis);
                case TTL -> ps.setLong(at, a.ttlMillis);
                case KIND -> ps.setString(at, a.kind);
                case TYPE -> {
                    if (a.type == null) {
                        ps.setNull(at, Types.VARCHAR);
                    } else {
                        ps.setString(at, a.type);
                    }
                }
                case BODY -> ps.setString(at, a.body);
                case SEEN_EXPIRES -> ps.setLong(at, a.seenExpires);
                case SEEN_STATE -> ps.setString(at, a.seenState);
                case LIMIT -> ps.setInt(at, a.limit);
                default -> throw new IllegalStateException("unbound parameter " + params[i]);
            }
        }
    }

    @Override
    public String toString() {
        return text;
    }

    /** The values of one operation. */
    static final class Args {
        byte[] hash;
        String namespace;
        String key;
        String owner;
        String fingerprint;
        long now;
        /** The store's clock just before the statement: what a record's expiry is told in (see Rows.Row#record). */
        long localNow;
        long leaseMillis;
        long ttlMillis;
        String kind;
        String type;
        String body;
        long seenExpires;
        String seenState;
        int limit;
    }
}

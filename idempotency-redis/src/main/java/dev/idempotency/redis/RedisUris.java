package dev.idempotency.redis;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.spi.Options;
import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads the store URIs into a {@link RedisStore.Builder}:
 * <pre>
 * redis://[user:password@]host[:port][/db][?options]
 * rediss://[user:password@]host[:port][/db][?options]                                  TLS
 * redis-sentinel://[user:password@]host[:port][,host[:port]…]/masterName[?options]     port defaults to 26379
 * redis-cluster://[user:password@]host[:port][,host[:port]…][?options]
 * </pre>
 * User and password are percent-decoded. Options are read with {@link Options}, as every setting of the library:
 * durations as {@code 500ms}, {@code 2s}, {@code 10m} or {@code PT2S} (a bare number is refused), booleans as
 * {@code true} or {@code false}. Every error names the bad part and shows the URI with its passwords masked. Reading a
 * URI never touches the network.
 */
final class RedisUris {

    static final String REDIS = "redis://";
    static final String REDISS = "rediss://";
    static final String SENTINEL = "redis-sentinel://";
    static final String CLUSTER = "redis-cluster://";
    static final List<String> SCHEMES = List.of(REDIS, REDISS, SENTINEL, CLUSTER);

    static final String FORMS = "redis://[user:password@]host:port[/db], rediss://…,"
            + " redis-sentinel://host:port[,host:port…]/masterName, redis-cluster://host:port[,host:port…]";

    private static final List<String> COMMON = List.of("connectTimeout", "socketTimeout", "poolSize", "poolTimeout",
            "keyPrefix", "clientName", "durableCompletion", "durableCompletionTimeout");

    private RedisUris() {
    }

    static boolean accepts(String uri) {
        return scheme(uri) != null;
    }

    private static String scheme(String uri) {
        for (String s : SCHEMES) {
            if (uri != null && uri.regionMatches(true, 0, s, 0, s.length())) {
                return s;
            }
        }
        return null;
    }

    /** The parts of a URI, split but not yet interpreted. */
    private record Parts(String scheme, String userInfo, String hosts, String path, String query) {
    }

    static void apply(String uri, RedisStore.Builder builder) {
        Parts parts = split(uri);
        String shown = redact(parts);
        try {
            applyParts(parts, builder, shown);
        } catch (IdempotencyConfigurationException e) {
            throw bad(shown, e.getMessage());
        } catch (IllegalArgumentException e) {
            throw bad(shown, e.getMessage());
        }
    }

    private static Parts split(String uri) {
        String scheme = scheme(uri);
        if (scheme == null) {
            throw bad(uri == null ? "null" : "(not a Redis URI)", "expected one of " + FORMS);
        }
        String rest = uri.substring(scheme.length());
        String userInfo = null;
        // the last '@' ends the user info, so a password may hold unescaped '@', '/', '?' or ','
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            userInfo = rest.substring(0, at);
            rest = rest.substring(at + 1);
        }
        String query = null;
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        String path = null;
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            path = rest.substring(slash + 1);
            rest = rest.substring(0, slash);
        }
        return new Parts(scheme.toLowerCase(Locale.ROOT), userInfo, rest, path, query);
    }

    private static void applyParts(Parts p, RedisStore.Builder b, String shown) {
        if ((p.query != null && p.query.indexOf('#') >= 0) || (p.path != null && p.path.indexOf('#') >= 0)
                || p.hosts.indexOf('#') >= 0) {
            throw new IllegalArgumentException("a fragment ('#…') has no meaning here");
        }
        List<String> hosts = hosts(p.hosts);
        Set<String> known = new HashSet<>(COMMON);
        switch (p.scheme) {
            case REDIS, REDISS -> {
                if (hosts.size() != 1) {
                    throw new IllegalArgumentException("expected one host:port, but found " + hosts.size()
                            + " (for several servers use redis-sentinel:// or redis-cluster://)");
                }
                HostPort hp = hostPort(hosts.get(0), 6379);
                b.standalone(hp.host, hp.port);
                b.ssl(p.scheme.equals(REDISS));
                if (p.path != null && !p.path.isEmpty()) {
                    b.database(Options.integer("the database (path)", p.path));
                }
            }
            case SENTINEL -> {
                if (p.path == null || p.path.isEmpty()) {
                    throw new IllegalArgumentException("the master name is missing: expected " + SENTINEL
                            + "host:port[,host:port…]/masterName");
                }
                if (p.path.indexOf('/') >= 0) {
                    throw new IllegalArgumentException("expected one path segment, the master name, but found '/"
                            + p.path + "' (the database is the 'database' parameter)");
                }
                b.sentinel(decode("the master name", p.path), hostPorts(hosts, 26379));
                known.addAll(List.of("database", "ssl", "sentinelUser", "sentinelPassword"));
            }
            case CLUSTER -> {
                if (p.path != null && !p.path.isEmpty() && !p.path.equals("0")) {
                    throw new IllegalArgumentException("Redis Cluster has only database 0, but the path is '/"
                            + p.path + "'");
                }
                b.cluster(hostPorts(hosts, 6379));
                known.add("ssl");
            }
            default -> throw new IllegalStateException(p.scheme);
        }
        if (p.userInfo != null) {
            int colon = p.userInfo.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("the user info must be user:password or :password");
            }
            String user = decode("the user", p.userInfo.substring(0, colon));
            String password = decode("the password", p.userInfo.substring(colon + 1));
            b.user(user.isEmpty() ? null : user);
            b.password(password.isEmpty() ? null : password);
        }
        if (p.query != null && !p.query.isEmpty()) {
            Map<String, String> params = params(p.query);
            for (Map.Entry<String, String> e : params.entrySet()) {
                if (!known.contains(e.getKey())) {
                    List<String> sorted = new ArrayList<>(known);
                    sorted.sort(null);
                    throw new IllegalArgumentException("unknown parameter '" + e.getKey() + "' for " + p.scheme
                            + " (known: " + String.join(", ", sorted) + ")");
                }
                param(b, e.getKey(), e.getValue());
            }
        }
    }

    private static void param(RedisStore.Builder b, String name, String value) {
        switch (name) {
            case "connectTimeout" -> b.connectTimeout(Options.positiveDuration(name, value));
            case "socketTimeout" -> b.socketTimeout(Options.positiveDuration(name, value));
            case "poolTimeout" -> b.poolTimeout(Options.positiveDuration(name, value));
            case "poolSize" -> b.poolSize(Options.integer(name, value));
            case "keyPrefix" -> b.keyPrefix(value);
            case "clientName" -> b.clientName(value);
            case "durableCompletion" -> b.durableCompletion(Options.integer(name, value));
            case "durableCompletionTimeout" -> b.durableCompletionTimeout(Options.positiveDuration(name, value));
            case "database" -> b.database(Options.integer(name, value));
            case "ssl" -> b.ssl(Options.bool(name, value));
            case "sentinelUser" -> b.sentinelUser(value.isEmpty() ? null : value);
            case "sentinelPassword" -> b.sentinelPassword(value.isEmpty() ? null : value);
            default -> throw new IllegalStateException(name);
        }
    }

    private static Map<String, String> params(String query) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : query.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                String shown = eq == 0 ? "=…" : pair.toLowerCase(Locale.ROOT).contains("password") ? "***" : pair;
                throw new IllegalArgumentException("parameter '" + shown + "' is not name=value");
            }
            String name = pair.substring(0, eq);
            String value = decode("parameter " + name, pair.substring(eq + 1));
            if (params.put(name, value) != null) {
                throw new IllegalArgumentException("parameter '" + name + "' is given twice");
            }
        }
        return params;
    }

    private static List<String> hosts(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("the host is missing");
        }
        List<String> hosts = new ArrayList<>();
        for (String h : text.split(",", -1)) {
            if (h.isEmpty()) {
                throw new IllegalArgumentException("empty host in '" + text + "'");
            }
            hosts.add(h);
        }
        return hosts;
    }

    private record HostPort(String host, int port) {
    }

    /** Each host as {@code host:port}, with the default port where none is given. */
    private static String[] hostPorts(List<String> hosts, int defaultPort) {
        String[] out = new String[hosts.size()];
        for (int i = 0; i < out.length; i++) {
            HostPort hp = hostPort(hosts.get(i), defaultPort);
            out[i] = hp.host + ":" + hp.port;
        }
        return out;
    }

    private static HostPort hostPort(String text, int defaultPort) {
        String host;
        String port = null;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("IPv6 host '" + text + "' lacks its closing ']'");
            }
            host = text.substring(1, close);
            String after = text.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new IllegalArgumentException("expected ':port' after '" + text.substring(0, close + 1)
                            + "', found '" + after + "'");
                }
                port = after.substring(1);
            }
        } else {
            int colon = text.indexOf(':');
            host = colon < 0 ? text : text.substring(0, colon);
            port = colon < 0 ? null : text.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("the host is missing in '" + text + "'");
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c <= ' ' || c == '%' || c == '\\' || c == '[' || c == ']' || c == '"' || c == 0x7f) {
                throw new IllegalArgumentException("host '" + host + "' holds a character a host name cannot have");
            }
        }
        int p = defaultPort;
        if (port != null) {
            try {
                p = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                p = -1;
            }
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("the port of '" + text + "' must be a number from 1 to 65535, but was '"
                        + port + "'");
            }
        }
        return new HostPort(host, p);
    }

    /** Percent-decoding of one part; '+' stays '+'. The message never shows the part, which may be a password. */
    private static String decode(String what, String text) {
        if (text.indexOf('%') < 0) {
            return text;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            byte c = bytes[i];
            if (c != '%') {
                out.write(c);
                continue;
            }
            int hi = i + 2 < bytes.length ? Character.digit(bytes[i + 1], 16) : -1;
            int lo = i + 2 < bytes.length ? Character.digit(bytes[i + 2], 16) : -1;
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException(what + " has a '%' that is not followed by two hex digits");
            }
            out.write(hi * 16 + lo);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(out.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " is not valid UTF-8 once percent-decoded");
        }
    }

    /** The URI with its passwords masked, for messages and {@link RedisStore#describe()}. */
    static String redact(String uri) {
        if (scheme(uri) == null) {
            return uri;
        }
        return redact(split(uri));
    }

    private static String redact(Parts p) {
        StringBuilder sb = new StringBuilder(p.scheme);
        if (p.userInfo != null) {
            int colon = p.userInfo.indexOf(':');
            sb.append(colon < 0 ? "***" : p.userInfo.substring(0, colon) + ":***").append('@');
        }
        sb.append(p.hosts);
        if (p.path != null) {
            sb.append('/').append(p.path);
        }
        if (p.query != null) {
            sb.append('?').append(Options.redact(p.query));
        }
        return sb.toString();
    }

    private static IdempotencyConfigurationException bad(String shownUri, String why) {
        return new IdempotencyConfigurationException("bad store URI '" + shownUri + "': " + why, null, null);
    }
}

package dev.idempotency.internal;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.IdempotencyStoreProvider;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Finds the store for a URI among the providers on the classpath. */
public final class StoreUris {

    private StoreUris() {
    }

    /**
     * The providers this library's class loader and the thread's context class loader see, looked up each time (a
     * store URI is resolved when a runtime is configured, not per call): a provider that only a later loader sees, such
     * as a Spring Boot jar's {@code BOOT-INF/lib} at the agent's first call, is found.
     */
    static List<IdempotencyStoreProvider> providers() {
        Map<Class<?>, IdempotencyStoreProvider> found = new LinkedHashMap<>();
        for (ClassLoader loader : new ClassLoader[] {StoreUris.class.getClassLoader(),
                Thread.currentThread().getContextClassLoader()}) {
            if (loader == null) {
                continue;
            }
            for (IdempotencyStoreProvider p : ServiceLoader.load(IdempotencyStoreProvider.class, loader)) {
                found.putIfAbsent(p.getClass(), p);
            }
        }
        return new ArrayList<>(found.values());
    }

    /**
     * The first provider that accepts the URI, in the order of {@link #providers()}. The providers are made one at a
     * time, up to that one: the agent checks the URI in premain, and a provider it need not make is a provider whose
     * classes it need not load (the JDBC store's, for {@code memory:}).
     */
    public static IdempotencyStoreProvider providerFor(String uri) {
        for (ClassLoader loader : new ClassLoader[] {StoreUris.class.getClassLoader(),
                Thread.currentThread().getContextClassLoader()}) {
            if (loader == null) {
                continue;
            }
            for (IdempotencyStoreProvider p : ServiceLoader.load(IdempotencyStoreProvider.class, loader)) {
                if (p.accepts(uri)) {
                    return p;
                }
            }
        }
        List<IdempotencyStoreProvider> providers = providers();
        String known = providers.stream().map(IdempotencyStoreProvider::uriForms).collect(Collectors.joining(", "));
        String hint = uri.startsWith("redis") ? "; add the idempotency-redis module for Redis"
                : uri.startsWith("jdbc:") ? "; add the idempotency-jdbc module for a database" : "";
        throw new IdempotencyConfigurationException(
                "unknown store URI '" + redact(uri) + "' (known: " + known + ")" + hint, null, null);
    }

    /** Whether a provider accepts the URI and finds it well-formed, without creating the store. */
    public static void validate(String uri) {
        providerFor(uri).validate(uri);
    }

    public static IdempotencyStore create(String uri, Clock clock) {
        return providerFor(uri).create(uri, clock);
    }

    /**
     * The URI (or a text holding one, such as the agent's arguments) with every secret masked, for messages and logs.
     *
     * <p>Not a regular expression over URI syntax, which a password may contain unescaped. Two readings are masked
     * together, so that whichever the store applies, no part of a password is shown: the user info running from
     * {@code ://} to the <em>last</em> {@code @} of the text (its password after the first {@code :}, or all of it),
     * so a password with {@code /}, {@code @}, {@code :} or {@code ?} is masked whole; and every parameter whose name
     * says password, pwd, secret or token, up to the next {@code &}, {@code ;}, {@code ,} or {@code )}. Where the
     * readings disagree (an {@code @} inside a parameter's password), more is masked than needed, never less.
     */
    public static String redact(String uri) {
        if (uri == null) {
            return null;
        }
        boolean[] secret = new boolean[uri.length()];
        int authority = uri.indexOf("://");
        int at = authority < 0 ? -1 : uri.lastIndexOf('@');
        if (at > authority + 2) {
            int start = authority + 3;
            int colon = uri.indexOf(':', start);
            int from = colon >= 0 && colon < at ? colon + 1 : start;
            java.util.Arrays.fill(secret, from, at, true);
        } else if (authority < 0 && uri.startsWith("jdbc:")) {
            // jdbc:oracle:thin:scott/tiger@host: user/password@ without "//"
            int userAt = uri.lastIndexOf('@');
            if (userAt > 0) {
                int userStart = uri.lastIndexOf(':', userAt) + 1;
                int slash = uri.indexOf('/', userStart);
                if (slash > 0 && slash < userAt) {
                    java.util.Arrays.fill(secret, slash + 1, userAt, true);
                }
            }
        }
        for (int eq = uri.indexOf('='); eq >= 0; eq = uri.indexOf('=', eq + 1)) {
            int nameStart = eq;
            while (nameStart > 0 && isNameChar(uri.charAt(nameStart - 1))) {
                nameStart--;
            }
            if (isSecretName(uri.substring(nameStart, eq).toLowerCase(java.util.Locale.ROOT))) {
                int end = secretEnd(uri, eq + 1);
                java.util.Arrays.fill(secret, eq + 1, end, true);
            }
        }
        StringBuilder out = new StringBuilder(uri.length());
        for (int i = 0; i < uri.length(); i++) {
            if (!secret[i]) {
                out.append(uri.charAt(i));
            } else if (i == 0 || !secret[i - 1]) {
                out.append("***");
            }
        }
        return out.toString();
    }

    /**
     * Where a secret parameter's value ends: a {@code {…}}-quoted value (SQL Server) at its closing brace; otherwise at
     * the next {@code &}, {@code ;}, {@code ,} or {@code )} that starts another {@code name=} (a separator followed by
     * text without {@code =} is taken as part of the password, e.g. {@code password=ab&cd}).
     */
    private static int secretEnd(String uri, int start) {
        if (start < uri.length() && uri.charAt(start) == '{') {
            int close = uri.indexOf('}', start);
            return close < 0 ? uri.length() : close + 1;
        }
        int end = start;
        while (end < uri.length()) {
            if ("&;,)".indexOf(uri.charAt(end)) >= 0) {
                int next = end + 1;
                int nextSeparator = next;
                while (nextSeparator < uri.length() && "&;,)=".indexOf(uri.charAt(nextSeparator)) < 0) {
                    nextSeparator++;
                }
                boolean startsParameter = nextSeparator < uri.length() && uri.charAt(nextSeparator) == '=';
                if (startsParameter || uri.charAt(end) == ')' || next >= uri.length()) {
                    return end;
                }
            }
            end++;
        }
        return end;
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '.' || c == '_' || c == '-';
    }

    private static boolean isSecretName(String name) {
        return name.contains("password") || name.contains("pwd") || name.contains("secret") || name.contains("token")
                || name.contains("passwd");
    }
}

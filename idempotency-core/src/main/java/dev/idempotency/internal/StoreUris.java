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
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Finds the store for a URI among the providers on the classpath. */
public final class StoreUris {

    private static final Pattern USER_INFO_PASSWORD = Pattern.compile("(//[^/:@]*:)[^@/]*@");
    private static final Pattern PASSWORD_PARAM = Pattern.compile("(?i)(password=)[^&;]*");

    private static volatile List<IdempotencyStoreProvider> providers;

    private StoreUris() {
    }

    static List<IdempotencyStoreProvider> providers() {
        List<IdempotencyStoreProvider> list = providers;
        if (list == null) {
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
            list = providers = List.copyOf(new ArrayList<>(found.values()));
        }
        return list;
    }

    public static IdempotencyStoreProvider providerFor(String uri) {
        for (IdempotencyStoreProvider p : providers()) {
            if (p.accepts(uri)) {
                return p;
            }
        }
        String known = providers().stream().map(IdempotencyStoreProvider::uriForms).collect(Collectors.joining(", "));
        String hint = uri.startsWith("redis") ? "; add the idempotency-redis module for Redis"
                : uri.startsWith("jdbc:") ? "; add the idempotency-jdbc module for a database" : "";
        throw new IdempotencyConfigurationException(
                "unknown store URI '" + redact(uri) + "' (known: " + known + ")" + hint, null, null);
    }

    public static IdempotencyStore create(String uri, Clock clock) {
        return providerFor(uri).create(uri, clock);
    }

    /** The URI with any password masked, for messages and logs. */
    public static String redact(String uri) {
        if (uri == null) {
            return null;
        }
        String masked = USER_INFO_PASSWORD.matcher(uri).replaceAll("$1***@");
        return PASSWORD_PARAM.matcher(masked).replaceAll("$1***");
    }
}

package dev.idempotency.memory;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.IdempotencyStoreProvider;
import java.time.Clock;

/**
 * Makes a {@link MemoryStore} for {@code memory:} (bounded at {@link MemoryStore#DEFAULT_MAX_ENTRIES}) and
 * {@code memory:?maxEntries=50000}; any other parameter is refused. Registered as a service of this module; users
 * choose it by URI ({@code idempotency.store=memory:}) and need not call it.
 */
public final class MemoryStoreProvider implements IdempotencyStoreProvider {

    private static final String SCHEME = "memory:";

    /** Found by {@link java.util.ServiceLoader}. */
    public MemoryStoreProvider() {
    }

    @Override
    public String uriForms() {
        return "memory:[?maxEntries=N]";
    }

    @Override
    public boolean accepts(String uri) {
        return uri.startsWith(SCHEME);
    }

    @Override
    public void validate(String uri) {
        maxEntries(uri);
    }

    @Override
    public IdempotencyStore create(String uri, Clock clock) {
        return new MemoryStore(clock, maxEntries(uri));
    }

    private static long maxEntries(String uri) {
        String rest = uri.substring(SCHEME.length());
        long maxEntries = MemoryStore.DEFAULT_MAX_ENTRIES;
        if (!rest.isEmpty()) {
            if (!rest.startsWith("?")) {
                throw bad(uri, "expected '?' after 'memory:', found '" + rest + "'");
            }
            for (String pair : rest.substring(1).split("&")) {
                int eq = pair.indexOf('=');
                String name = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                if (!name.equals("maxEntries")) {
                    throw bad(uri, "unknown parameter '" + name + "' (known: maxEntries)");
                }
                try {
                    maxEntries = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw bad(uri, "maxEntries must be a whole number, but was '" + value + "'");
                }
                if (maxEntries <= 0) {
                    throw bad(uri, "maxEntries must be positive, but was " + maxEntries);
                }
            }
        }
        return maxEntries;
    }

    private static IdempotencyConfigurationException bad(String uri, String why) {
        return new IdempotencyConfigurationException("bad store URI '" + uri + "': " + why, null, null);
    }
}

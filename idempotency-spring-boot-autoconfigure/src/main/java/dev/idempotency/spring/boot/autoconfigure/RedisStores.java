package dev.idempotency.spring.boot.autoconfigure;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.redis.RedisStore;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;

/**
 * The Redis store on the server that Spring Boot's {@code spring.data.redis.*} properties name (standalone, Sentinel
 * or Cluster), on its own Jedis connections. The properties are read directly rather than through Spring Boot's
 * {@code RedisProperties} class, which moved between Spring Boot 3 and 4; the application needs no Spring Data Redis.
 */
final class RedisStores {

    private static final String PREFIX = "spring.data.redis.";

    private RedisStores() {
    }

    static RedisStore fromSpringDataRedis(Binder binder) {
        RedisStore.Builder builder = RedisStore.builder();
        String current = PREFIX + "host";
        try {
            List<String> clusterNodes = list(binder, "cluster.nodes");
            String master = string(binder, "sentinel.master");
            String url = string(binder, "url");
            if (!clusterNodes.isEmpty()) {
                current = PREFIX + "cluster.nodes";
                builder.cluster(clusterNodes.toArray(String[]::new));
            } else if (master != null) {
                current = PREFIX + "sentinel.nodes";
                builder.sentinel(master, list(binder, "sentinel.nodes").toArray(String[]::new));
                current = PREFIX + "sentinel.username";
                builder.sentinelUser(string(binder, "sentinel.username"));
                builder.sentinelPassword(string(binder, "sentinel.password"));
            } else if (url != null) {
                current = PREFIX + "url";
                builder.uri(url);
            } else {
                current = PREFIX + "host";
                builder.standalone(orElse(string(binder, "host"), "localhost"),
                        binder.bind(PREFIX + "port", Integer.class).orElse(6379));
            }
            if (url == null || !clusterNodes.isEmpty() || master != null) {
                current = PREFIX + "username";
                builder.user(string(binder, "username"));
                builder.password(string(binder, "password"));
                current = PREFIX + "database";
                int database = binder.bind(PREFIX + "database", Integer.class).orElse(0);
                builder.database(database);
                if (!clusterNodes.isEmpty() && database != 0) {
                    throw new IdempotencyConfigurationException(
                            "Redis Cluster has only database 0, but database was " + database, null, null);
                }
                current = PREFIX + "ssl.enabled";
                builder.ssl(binder.bind(PREFIX + "ssl.enabled", Boolean.class).orElse(false));
            }
            current = PREFIX + "timeout";
            Duration timeout = binder.bind(PREFIX + "timeout", Duration.class).orElse(null);
            if (timeout != null) {
                builder.socketTimeout(timeout);
            }
            current = PREFIX + "connect-timeout";
            Duration connectTimeout = binder.bind(PREFIX + "connect-timeout", Duration.class).orElse(null);
            if (connectTimeout != null) {
                builder.connectTimeout(connectTimeout);
            }
            current = PREFIX + "client-name";
            String clientName = string(binder, "client-name");
            if (clientName != null) {
                builder.clientName(clientName);
            }
            current = PREFIX + "*";
            return builder.build();
        } catch (IdempotencyConfigurationException e) {
            String value = binder.bind(current, String.class).map(StoreFactory::redact).orElse("(unset)");
            throw new InvalidIdempotencyPropertyException(current, value,
                    e.getMessage(), "Correct " + current + " (idempotency.store=redis reads spring.data.redis.*), or"
                    + " set idempotency.store to a redis:// URI of its own.", e);
        }
    }

    private static String string(Binder binder, String name) {
        return binder.bind(PREFIX + name, String.class).orElse(null);
    }

    private static List<String> list(Binder binder, String name) {
        return binder.bind(PREFIX + name, Bindable.listOf(String.class)).orElse(List.of());
    }

    private static String orElse(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}

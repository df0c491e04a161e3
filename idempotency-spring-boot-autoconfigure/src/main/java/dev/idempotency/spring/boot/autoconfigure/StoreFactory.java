package dev.idempotency.spring.boot.autoconfigure;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.memory.MemoryStore;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.IdempotencyStoreProvider;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.util.ClassUtils;

/**
 * Builds the store that {@code idempotency.store} names. The JDBC and Redis parts live in classes of their own, loaded
 * only when chosen, so an application needs neither module unless it uses it.
 */
final class StoreFactory {

    static final String STORE = "idempotency.store";

    private StoreFactory() {
    }

    static IdempotencyStore create(IdempotencyProperties properties, ObjectProvider<DataSource> dataSources,
                                   Binder binder) {
        String store = properties.getStore() == null ? "" : properties.getStore().trim();
        switch (store) {
            case "memory":
                return new MemoryStore();
            case "jdbc":
                require("dev.idempotency.jdbc.JdbcStore", "jdbc", "dev.idempotency:idempotency-jdbc");
                DataSource dataSource = dataSources.getIfAvailable();
                if (dataSource == null) {
                    throw new InvalidIdempotencyPropertyException(STORE, store,
                            "the application context has no DataSource (or more than one without a primary)",
                            "Configure spring.datasource.url (with spring-boot-starter-jdbc), define one DataSource"
                                    + " bean or mark one @Primary, or choose another " + STORE + ".", null);
                }
                return JdbcStores.create(dataSource, properties.getJdbc());
            case "redis":
                require("dev.idempotency.redis.RedisStore", "redis", "dev.idempotency:idempotency-redis");
                return RedisStores.fromSpringDataRedis(binder);
            default:
                return fromUri(store);
        }
    }

    private static void require(String className, String store, String artifact) {
        if (!ClassUtils.isPresent(className, StoreFactory.class.getClassLoader())) {
            throw new InvalidIdempotencyPropertyException(STORE, store, artifact + " is not on the class path",
                    "Add the dependency " + artifact + " to the application, or choose another " + STORE + ".",
                    null);
        }
    }

    /** A store URI, as outside Spring: the providers on the class path decide. */
    private static IdempotencyStore fromUri(String uri) {
        List<String> forms = new ArrayList<>();
        for (IdempotencyStoreProvider provider : ServiceLoader.load(IdempotencyStoreProvider.class,
                StoreFactory.class.getClassLoader())) {
            if (provider.accepts(uri)) {
                try {
                    return provider.create(uri, Clock.systemUTC());
                } catch (IdempotencyConfigurationException e) {
                    throw new InvalidIdempotencyPropertyException(STORE, redact(uri), e.getMessage(),
                            "Correct the store URI in " + STORE + " (see the accepted forms in the README).", e);
                }
            }
            forms.add(provider.uriForms());
        }
        throw new InvalidIdempotencyPropertyException(STORE, redact(uri), "no store on the class path accepts it",
                "Set " + STORE + " to memory, jdbc (the application's DataSource), redis (spring.data.redis.*) or a"
                        + " store URI: " + String.join(", ", forms) + "; the redis and jdbc URIs need"
                        + " dev.idempotency:idempotency-redis or dev.idempotency:idempotency-jdbc.", null);
    }

    /** The URI with the password of its user-info masked: start-up reports end up in logs. */
    static String redact(String uri) {
        return uri.replaceAll("(//[^/@:]*:)[^/@]*@", "$1***@");
    }
}

package dev.idempotency.spring.boot.autoconfigure;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.core.IdempotencyListener;
import dev.idempotency.core.IdempotencyRuntime;
import dev.idempotency.spi.IdempotencyStore;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Role;
import org.springframework.core.env.Environment;
import org.springframework.util.unit.DataSize;

/**
 * The idempotency runtime of a Spring Boot application: its store (from {@code idempotency.store}, unless the
 * application defines an {@link IdempotencyStore} bean), its configuration (from {@code idempotency.*}, unless the
 * application defines an {@link IdempotencyConfig} bean), installed as the process-wide runtime for the life of the
 * context; and the advisor that makes {@code @Idempotent} methods of beans idempotent without agent or AspectJ.
 *
 * <p>Runs after the data source and transaction auto-configurations: the JDBC store uses the application's
 * {@code DataSource}. The advisor must come after Spring's transaction advisor to run inside its transaction:
 * {@link AdvisorPlacement} sees to it.
 *
 * <p>The store and the configuration can be replaced by beans of the application's own, e.g. a Redis store built in
 * code rather than from properties (the runtime closes it with the context):
 * <pre>{@code
 * @Bean
 * IdempotencyStore idempotencyStore() {
 *     return RedisStore.builder().sentinel("mymaster", "10.0.0.1:26379", "10.0.0.2:26379").durableCompletion(1).build();
 * }
 * }</pre>
 * Beans of type {@link IdempotencyListener} are added to the configuration this class builds. Setting
 * {@code idempotency.aop.enabled=false} leaves {@code @Idempotent} methods to AspectJ or the agent.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration",
        "org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
        "org.springframework.boot.transaction.autoconfigure.TransactionAutoConfiguration"})
@EnableConfigurationProperties(IdempotencyProperties.class)
public class IdempotencyAutoConfiguration {

    /**
     * The store that {@code idempotency.store} names, unless the application defines an {@link IdempotencyStore} bean.
     * Closed by the runtime it is handed to, not by the context (the runtime may outlive a replaced config).
     *
     * @param properties  the {@code idempotency.*} settings
     * @param dataSources the application's data source, for {@code idempotency.store=jdbc}
     * @param environment the environment, whose {@code spring.data.redis.*} settings {@code idempotency.store=redis}
     *                    reads
     * @return the store, not connected yet
     * @throws InvalidIdempotencyPropertyException if the store cannot be made from the settings: an unknown store, a
     *                                             bad URI, a missing module, or no {@code DataSource} for {@code jdbc}
     */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public IdempotencyStore idempotencyStore(IdempotencyProperties properties, ObjectProvider<DataSource> dataSources,
                                             Environment environment) {
        return StoreFactory.create(properties, dataSources, Binder.get(environment));
    }

    /**
     * The runtime's configuration from {@code idempotency.*}, unless the application defines an
     * {@link IdempotencyConfig} bean: the store (as this module's metrics wrap it, when present), the defaults, the
     * near cache and the application's {@link IdempotencyListener} beans, in their order.
     *
     * @param properties  the {@code idempotency.*} settings
     * @param store       the store bean
     * @param listeners   the application's listeners
     * @param customizers wrappers of the store, from this module's other auto-configurations
     * @return the configuration
     * @throws InvalidIdempotencyPropertyException if a setting is out of range; it names the property and the fix
     */
    @Bean
    @ConditionalOnMissingBean
    public IdempotencyConfig idempotencyConfig(IdempotencyProperties properties, IdempotencyStore store,
                                               ObjectProvider<IdempotencyListener> listeners,
                                               ObjectProvider<StoreCustomizer> customizers) {
        IdempotencyStore customized = store;
        for (StoreCustomizer customizer : customizers.orderedStream().toList()) {
            customized = customizer.customize(customized);
        }
        IdempotencyConfig.Builder builder = IdempotencyConfig.builder().store(customized)
                .failOpen(properties.isFailOpen());
        set("idempotency.ttl", properties.getTtl(), builder::defaultTtl,
                "Set idempotency.ttl to a positive duration of at least a millisecond, e.g. 10m or PT1H.");
        set("idempotency.lease", properties.getLease(), builder::defaultLease,
                "Set idempotency.lease to a positive duration of at least a millisecond, e.g. 30s; it must outlast"
                        + " a pause of the JVM, since the claim is renewed while the method runs.");
        DataSize size = properties.getMaxResultSize();
        set("idempotency.max-result-size", size, s -> {
            if (s == null || s.toBytes() > Integer.MAX_VALUE) {
                throw new IdempotencyConfigurationException("maxResultSize must be below 2 GiB, but was " + s,
                        null, null);
            }
            builder.maxResultSize((int) s.toBytes());
        }, "Set idempotency.max-result-size to a size from 1B to below 2GB, e.g. 1MB.");
        set("idempotency.near-cache.max-entries", properties.getNearCache().getMaxEntries(), builder::nearCacheMaxEntries,
                "Set idempotency.near-cache.max-entries to 0 (off) or more, e.g. 10000.");
        set("idempotency.near-cache.max-age", properties.getNearCache().getMaxAge(), builder::nearCacheMaxAge,
                "Set idempotency.near-cache.max-age to a positive duration of at least a millisecond, e.g. 30s, or"
                        + " leave it unset.");
        listeners.orderedStream().forEach(builder::listener);
        return builder.build();
    }

    private static <T> void set(String property, T value, Consumer<T> setter, String action) {
        try {
            setter.accept(value);
        } catch (IdempotencyConfigurationException e) {
            throw new InvalidIdempotencyPropertyException(property, value, e.getMessage(), action, e);
        }
    }

    /**
     * Installs the configuration as the process-wide runtime for the life of the context.
     *
     * @param config the configuration to install
     * @return the installation, whose destruction with the context closes the runtime and its store
     */
    @Bean
    public ProcessRuntimeInstallation idempotencyRuntimeInstallation(IdempotencyConfig config) {
        return new ProcessRuntimeInstallation(config);
    }

    /**
     * The process-wide runtime, for the programmatic API; closed with the installation, never by itself.
     *
     * @param installation the installation that made it the process-wide runtime
     * @return the runtime
     */
    @Bean(destroyMethod = "")
    @ConditionalOnMissingBean
    public IdempotencyRuntime idempotencyRuntime(ProcessRuntimeInstallation installation) {
        return Idempotency.runtime();
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnProperty(prefix = "idempotency.aop", name = "enabled", matchIfMissing = true)
    static IdempotentMethodAdvisor idempotentMethodAdvisor(ObjectProvider<ProcessRuntimeInstallation> installation) {
        return new IdempotentMethodAdvisor(new IdempotentMethodInterceptor(installation));
    }

    @Bean
    @ConditionalOnProperty(prefix = "idempotency.aop", name = "enabled", matchIfMissing = true)
    static AdvisorPlacement idempotencyAdvisorPlacement() {
        return new AdvisorPlacement();
    }

    @Bean
    @Role(BeanDefinition.ROLE_INFRASTRUCTURE)
    @ConditionalOnProperty(prefix = "idempotency.aop", name = "enabled", matchIfMissing = true)
    static UnreachableMethodsReport idempotencyUnreachableMethodsReport(ConfigurableListableBeanFactory beanFactory) {
        return new UnreachableMethodsReport(beanFactory);
    }
}

package dev.idempotency.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.core.IdempotencyRuntime;
import dev.idempotency.memory.MemoryStore;
import dev.idempotency.spi.IdempotencyStore;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/** idempotency.* properties, the application's own beans, and the process-wide runtime's life. */
class ConfigurationTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class));

    @Test
    void propertiesReachTheInstalledRuntime() {
        runner.withPropertyValues("idempotency.ttl=10m", "idempotency.lease=PT5S", "idempotency.fail-open=true",
                "idempotency.max-result-size=64KB", "idempotency.near-cache.max-entries=500",
                "idempotency.near-cache.max-age=45s").run(context -> {
                    IdempotencyConfig config = Idempotency.config();
                    assertThat(config).isSameAs(context.getBean(IdempotencyConfig.class));
                    assertThat(config.defaultTtl()).isEqualTo(Duration.ofMinutes(10));
                    assertThat(config.defaultLease()).isEqualTo(Duration.ofSeconds(5));
                    assertThat(config.failOpen()).isTrue();
                    assertThat(config.maxResultSize()).isEqualTo(64 * 1024);
                    assertThat(config.nearCacheMaxEntries()).isEqualTo(500);
                    assertThat(config.nearCacheMaxAge()).isEqualTo(Duration.ofSeconds(45));
                    assertThat(context.getBean(IdempotencyRuntime.class).store().describe()).startsWith("memory");
                });
    }

    @Test
    void theRuntimeIsClosedWithTheContext() {
        IdempotencyConfig[] installed = new IdempotencyConfig[1];
        runner.run(context -> installed[0] = Idempotency.config());
        assertThat(Idempotency.config()).as("rebuilt from the environment").isNotSameAs(installed[0]);
        Idempotency.reset();
    }

    @Test
    void theApplicationsStoreWins() {
        MemoryStore own = new MemoryStore();
        runner.withBean(IdempotencyStore.class, () -> own).run(context -> {
            assertThat(context).hasSingleBean(IdempotencyStore.class);
            assertThat(Idempotency.config().store()).isSameAs(own);
        });
    }

    @Test
    void theApplicationsConfigWins() {
        IdempotencyConfig own = IdempotencyConfig.builder().defaultTtl(Duration.ofSeconds(42)).build();
        runner.withBean(IdempotencyConfig.class, () -> own).withPropertyValues("idempotency.ttl=10m").run(context -> {
            assertThat(Idempotency.config()).isSameAs(own);
            assertThat(Idempotency.config().defaultTtl()).isEqualTo(Duration.ofSeconds(42));
        });
    }

    @Test
    void aBadValueStopsTheStartWithTheFailureAnalyzersReport() {
        runner.withPropertyValues("idempotency.ttl=-5s").run(context -> {
            assertThat(context).hasFailed();
            FailureAnalysis analysis = new IdempotencyFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis).isNotNull();
            assertThat(analysis.getDescription()).contains("idempotency.ttl").contains("PT-5S")
                    .contains("must be positive");
            assertThat(analysis.getAction()).contains("idempotency.ttl").contains("10m");
        });
    }

    @Test
    void anUnknownStoreNamesTheAcceptedForms() {
        runner.withPropertyValues("idempotency.store=mongodb://u:secret@host/db").run(context -> {
            FailureAnalysis analysis = new IdempotencyFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("idempotency.store").contains("u:***@host")
                    .doesNotContain("secret");
            assertThat(analysis.getAction()).contains("memory").contains("jdbc").contains("redis");
        });
    }

    @Test
    void jdbcWithoutADataSourceSaysWhatToConfigure() {
        runner.withPropertyValues("idempotency.store=jdbc").run(context -> {
            FailureAnalysis analysis = new IdempotencyFailureAnalyzer().analyze(context.getStartupFailure());
            assertThat(analysis.getDescription()).contains("no DataSource");
            assertThat(analysis.getAction()).contains("spring.datasource.url");
        });
    }

    @Test
    void redisIsBuiltFromSpringDataRedisProperties() {
        runner.withPropertyValues("idempotency.store=redis", "spring.data.redis.host=10.1.2.3",
                "spring.data.redis.port=6380", "spring.data.redis.database=2").run(context -> {
                    assertThat(context.getBean(IdempotencyStore.class).describe()).contains("10.1.2.3:6380");
                });
        runner.withPropertyValues("idempotency.store=redis", "spring.data.redis.cluster.nodes=10.0.0.1:7000,10.0.0.2:7000")
                .run(context -> assertThat(context.getBean(IdempotencyStore.class).describe()).contains("10.0.0.1:7000"));
        runner.withPropertyValues("idempotency.store=redis", "spring.data.redis.sentinel.master=mymaster",
                "spring.data.redis.sentinel.nodes=10.0.0.9:26379")
                .run(context -> assertThat(context.getBean(IdempotencyStore.class).describe()).contains("mymaster"));
        runner.withPropertyValues("idempotency.store=redis", "spring.data.redis.cluster.nodes=10.0.0.1:7000",
                "spring.data.redis.database=3").run(context -> {
                    FailureAnalysis analysis = new IdempotencyFailureAnalyzer().analyze(context.getStartupFailure());
                    assertThat(analysis.getDescription()).contains("spring.data.redis.database")
                            .contains("Cluster has only database 0");
                });
    }
}

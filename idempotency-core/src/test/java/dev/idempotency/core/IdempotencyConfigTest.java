package dev.idempotency.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.internal.StoreUris;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class IdempotencyConfigTest {

    @AfterEach
    void clean() {
        System.clearProperty("idempotency.store");
        System.clearProperty("idempotency.ttl");
        System.clearProperty("idempotency.lease");
        Idempotency.reset();
    }

    @Test
    void aModuleReadsItsSettingLikeTheRuntimeReadsItsOwnAndABadValueSaysWhereItCameFrom() {
        String name = "idempotency.test.maxBodySize";
        try {
            assertThat(Idempotency.setting(name, dev.idempotency.spi.Options::size)).isNull();
            System.setProperty(name, "512KB");
            assertThat(Idempotency.setting(name, dev.idempotency.spi.Options::size)).isEqualTo(512 * 1024);
            System.setProperty(name, "lots");
            assertThatThrownBy(() -> Idempotency.setting(name, dev.idempotency.spi.Options::size))
                    .isInstanceOf(IdempotencyConfigurationException.class)
                    .hasMessage("from system property idempotency.test.maxBodySize: idempotency.test.maxBodySize must"
                            + " be a size such as 1048576, 512KB or 1MB, but was 'lots'");
            assertThatThrownBy(() -> Idempotency.setting("maxBodySize", dev.idempotency.spi.Options::size))
                    .isInstanceOf(IllegalArgumentException.class);
            // the agent's arguments come first, by the name without "idempotency."
            dev.idempotency.bridge.ProcessRuntime.useSettings(java.util.Map.of("test.maxBodySize", "2KB"));
            assertThat(Idempotency.setting(name, dev.idempotency.spi.Options::size)).isEqualTo(2048);
            dev.idempotency.bridge.ProcessRuntime.useSettings(java.util.Map.of("test.maxBodySize", "2 KiloBytes"));
            assertThatThrownBy(() -> Idempotency.setting(name, dev.idempotency.spi.Options::size))
                    .hasMessageStartingWith("from agent argument test.maxBodySize=: ");
        } finally {
            System.clearProperty(name);
            dev.idempotency.bridge.ProcessRuntime.useSettings(java.util.Map.of());
        }
        assertThat(IdempotencyConfig.builder().maxResultSize("1MB").build().maxResultSize()).isEqualTo(1 << 20);
        assertThatThrownBy(() -> IdempotencyConfig.builder().maxResultSize("0"))
                .hasMessage("maxResultSize must be at least 1 byte and below 2 GiB, but was '0'");
    }

    @Test
    void defaults() {
        IdempotencyConfig config = IdempotencyConfig.builder().build();
        assertThat(config.storeUri()).isEqualTo("memory:");
        assertThat(config.defaultTtl()).isEqualTo(Duration.ofHours(1));
        assertThat(config.defaultLease()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void eachSetterChecksItsValueAndSaysWhatItGot() {
        IdempotencyConfig.Builder b = IdempotencyConfig.builder();
        assertThatThrownBy(() -> b.defaultTtl(Duration.ofSeconds(-5)))
                .isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessage("defaultTtl must be positive, but was PT-5S");
        assertThatThrownBy(() -> b.defaultLease(Duration.ZERO)).hasMessage("defaultLease must be positive, but was PT0S");
        assertThatThrownBy(() -> b.defaultTtl("10"))
                .hasMessage("defaultTtl must be a duration such as 500ms, 30s, 10m, 24h or PT10M, but was '10'");
        assertThat(b.defaultTtl("10m").build().defaultTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThatThrownBy(() -> b.storeUri(" ")).hasMessageContaining("store URI must not be blank");
        assertThatThrownBy(() -> b.storeUri("mongodb://localhost")).hasMessageContaining("unknown store URI 'mongodb://localhost'")
                .hasMessageContaining("memory:");
        assertThatThrownBy(() -> b.storeUri("redis://127.0.0.1:6379")).hasMessageContaining("idempotency-redis");
        assertThat(b.defaultTtl("PT10M").build().defaultTtl()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void theNearCacheIsOnByDefaultAndItsSettingsAreReadLikeTheOthers() {
        IdempotencyConfig defaults = IdempotencyConfig.builder().build();
        assertThat(defaults.nearCacheMaxEntries()).isEqualTo(10_000);
        assertThat(defaults.nearCacheMaxAge()).isNull();
        IdempotencyConfig.Builder b = IdempotencyConfig.builder();
        assertThatThrownBy(() -> b.nearCacheMaxEntries(-1)).isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessage("nearCacheMaxEntries must be 0 (off) or more, but was -1");
        assertThatThrownBy(() -> b.nearCacheMaxEntries("many"))
                .hasMessage("nearCacheMaxEntries must be a whole number, 0 (off) or more, but was 'many'");
        assertThatThrownBy(() -> b.nearCacheMaxAge("30")).hasMessageContaining("nearCacheMaxAge must be a duration");
        assertThatThrownBy(() -> b.nearCacheMaxAge(Duration.ZERO))
                .hasMessage("nearCacheMaxAge must be positive, but was PT0S");
        try {
            System.setProperty("idempotency.nearCache.maxEntries", "0");
            System.setProperty("idempotency.nearCache.maxAge", "30s");
            IdempotencyConfig config = IdempotencyConfig.fromEnvironment();
            assertThat(config.nearCacheMaxEntries()).isZero();
            assertThat(config.nearCacheMaxAge()).isEqualTo(Duration.ofSeconds(30));
            System.setProperty("idempotency.nearCache.maxEntries", "-5");
            assertThatThrownBy(IdempotencyConfig::fromEnvironment)
                    .hasMessageContaining("system property idempotency.nearCache.maxEntries").hasMessageContaining("'-5'");
        } finally {
            System.clearProperty("idempotency.nearCache.maxEntries");
            System.clearProperty("idempotency.nearCache.maxAge");
        }
    }

    @Test
    void badMemoryUriIsRefusedWhenTheRuntimeStarts() {
        IdempotencyConfig config = IdempotencyConfig.builder().storeUri("memory:?maxEntries=-1").build();
        assertThatThrownBy(() -> Idempotency.configure(config)).isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("maxEntries must be positive, but was -1");
        assertThatThrownBy(() -> Idempotency.configure(IdempotencyConfig.builder().storeUri("memory:?size=3").build()))
                .hasMessageContaining("unknown parameter 'size'");
    }

    @Test
    void theEnvironmentIsReadAndABadValueNamesItsSource() {
        System.setProperty("idempotency.ttl", "PT2M");
        System.setProperty("idempotency.store", "memory:?maxEntries=500");
        IdempotencyConfig config = IdempotencyConfig.fromEnvironment();
        assertThat(config.defaultTtl()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.storeUri()).isEqualTo("memory:?maxEntries=500");
        assertThat(Idempotency.config().defaultTtl()).isEqualTo(Duration.ofMinutes(2));
        System.setProperty("idempotency.lease", "thirty seconds");
        assertThatThrownBy(IdempotencyConfig::fromEnvironment)
                .hasMessageContaining("system property idempotency.lease")
                .hasMessageContaining("'thirty seconds'");
    }

    @Test
    void aBrokenEnvironmentMakesEveryCallRefuseRatherThanRunUnprotected() {
        Idempotency.reset();
        System.setProperty("idempotency.store", "nosuch://x");
        assertThatThrownBy(Idempotency::config).isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("unknown store URI 'nosuch://x'")
                .hasMessageContaining("refuses to run");
        System.clearProperty("idempotency.store");
        Idempotency.reset();
        assertThat(Idempotency.config().storeUri()).isEqualTo("memory:");
    }

    @Test
    void aStoreThatIsNotReachableYetFailsClosedAndServesAsSoonAsItAnswersWithoutARebuild() {
        Idempotency.reset();
        FlakyStoreProvider.up = false;
        FlakyStoreProvider.created = 0;
        System.setProperty("idempotency.store", "flaky:");
        try {
            assertThat(Idempotency.config().storeUri()).as("building the runtime does not reach the store")
                    .isEqualTo("flaky:");
            java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
            assertThatThrownBy(() -> Idempotency.runtime().call("flaky", "k1", Integer.class)
                    .run(runs::incrementAndGet))
                    .isInstanceOfSatisfying(dev.idempotency.IdempotencyStoreException.class,
                            e -> assertThat(e.isUnreachable()).isTrue())
                    .hasMessageContaining("not up yet");
            assertThat(runs).as("fail closed: the body did not run").hasValue(0);
            FlakyStoreProvider.up = true;
            assertThat(Idempotency.runtime().call("flaky", "k1", Integer.class).run(runs::incrementAndGet)).isEqualTo(1);
            assertThat(Idempotency.runtime().call("flaky", "k1", Integer.class).run(runs::incrementAndGet)).isEqualTo(1);
            assertThat(FlakyStoreProvider.created).as("one store, never rebuilt").isEqualTo(1);
        } finally {
            System.clearProperty("idempotency.store");
            Idempotency.reset();
        }
    }

    @Test
    void failOpenIsHonouredFromTheFirstCallWhenTheStoreIsDownAtStartUp() {
        Idempotency.reset();
        FlakyStoreProvider.up = false;
        System.setProperty("idempotency.store", "flaky:");
        System.setProperty("idempotency.failOpen", "true");
        try {
            java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
            assertThat(Idempotency.runtime().call("flaky", "k2", Integer.class).run(runs::incrementAndGet)).isEqualTo(1);
            assertThat(Idempotency.runtime().call("flaky", "k2", Integer.class).run(runs::incrementAndGet))
                    .as("no deduplication while the store is down: that is what failOpen chose").isEqualTo(2);
        } finally {
            System.clearProperty("idempotency.store");
            System.clearProperty("idempotency.failOpen");
            Idempotency.reset();
        }
    }

    @Test
    void passwordsNeverReachMessages() {
        assertThat(StoreUris.redact("redis://user:s3cret@host:6379/0")).isEqualTo("redis://user:***@host:6379/0");
        assertThat(StoreUris.redact("redis://:s3cret@host:6379")).isEqualTo("redis://:***@host:6379");
        assertThat(StoreUris.redact("jdbc:postgresql://h/db?user=a&password=s3cret&ssl=true"))
                .isEqualTo("jdbc:postgresql://h/db?user=a&password=***&ssl=true");
        assertThatThrownBy(() -> IdempotencyConfig.builder().storeUri("nosuch://u:s3cret@h"))
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void passwordsWithUriPunctuationAreMaskedWhole() {
        String[][] cases = {
                {"redis://app:pa/ss@host:6379", "redis://app:***@host:6379", "pa/ss"},
                {"redis://app:p@ss@host:6379/0", "redis://app:***@host:6379/0", "p@ss"},
                {"redis://:a:b/c?d@host:6379", "redis://:***@host:6379", "a:b/c?d"},
                {"redis://app:p%40ss@host:6379", "redis://app:***@host:6379", "p%40ss"},
                {"rediss://onlysecret@host:6380", "rediss://***@host:6380", "onlysecret"},
                {"redis-sentinel://:pw/1@h1:26379,h2:26379/mymaster?sentinelPassword=s/2:x&database=1",
                        "redis-sentinel://:***@h1:26379,h2:26379/mymaster?sentinelPassword=***&database=1", "s/2:x"},
                {"jdbc:postgresql://h/db?user=u&password=a/b@c&ssl=true", // the @ could end a user info: masked to it
                        "jdbc:postgresql://***&ssl=true", "b@c"},
                {"jdbc:postgresql://h/db?user=u&password=s3cret&ssl=true",
                        "jdbc:postgresql://h/db?user=u&password=***&ssl=true", "s3cret"},
                {"jdbc:mariadb://u:se/cr@t@h:3306/db", "jdbc:mariadb://u:***@h:3306/db", "se/cr@t"},
                {"jdbc:mysql://(host=h,user=u,password=x/y)/db", "jdbc:mysql://(host=h,user=u,password=***)/db", "x/y"},
                {"jdbc:h2:mem:t;USER=sa;PASSWORD=pw;MODE=PostgreSQL", "jdbc:h2:mem:t;USER=sa;PASSWORD=***;MODE=PostgreSQL", "pw;"},
                {"store=redis://app:pa/ss@host:6379,ttl=PT10M", "store=redis://app:***@host:6379,ttl=PT10M", "pa/ss"},
                {"jdbc:postgresql://h/db?sslpassword=k3y&sslkey=/k", "jdbc:postgresql://h/db?sslpassword=***&sslkey=/k", "k3y"},
                {"jdbc:sqlserver://h;user=u;password={a;b}x;encrypt=true", "jdbc:sqlserver://h;user=u;password=***x;encrypt=true", "a;b"},
                {"jdbc:oracle:thin:scott/t1ger@db:1521/orcl", "jdbc:oracle:thin:scott/***@db:1521/orcl", "t1ger"},
                {"jdbc:postgresql://h/db?password=ab&cd&ssl=true", "jdbc:postgresql://h/db?password=***&ssl=true", "cd"},
        };
        for (String[] c : cases) {
            assertThat(StoreUris.redact(c[0])).as(c[0]).isEqualTo(c[1]).doesNotContain(c[2]);
        }
        assertThat(StoreUris.redact("memory:")).isEqualTo("memory:");
        assertThat(StoreUris.redact("redis://127.0.0.1:6379")).isEqualTo("redis://127.0.0.1:6379");
    }
}

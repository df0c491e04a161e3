package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.spi.IdempotencyStoreProvider;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Reading store URIs: no server needed. */
class RedisUrisTest {

    private static RedisSettings parse(String uri) {
        return RedisStore.builder().uri(uri).settings();
    }

    @Test
    void standaloneWithUserPasswordDatabaseAndDefaults() {
        RedisSettings s = parse("redis://app:s3cret@127.0.0.1:6380/2");
        assertThat(s.mode()).isEqualTo(RedisSettings.Mode.STANDALONE);
        assertThat(s.nodeNames()).containsExactly("127.0.0.1:6380");
        assertThat(s.user()).isEqualTo("app");
        assertThat(s.password()).isEqualTo("s3cret");
        assertThat(s.database()).isEqualTo(2);
        assertThat(s.ssl()).isFalse();
        assertThat(s.keyPrefix()).isEqualTo("idem:");
        assertThat(s.connectTimeout()).isEqualTo(RedisStore.DEFAULT_CONNECT_TIMEOUT);
        assertThat(s.socketTimeout()).isEqualTo(RedisStore.DEFAULT_SOCKET_TIMEOUT);
        assertThat(s.poolSize()).isEqualTo(RedisStore.DEFAULT_POOL_SIZE);
        assertThat(s.clientName()).isEqualTo("idempotency");

        RedisSettings plain = parse("redis://localhost");
        assertThat(plain.nodeNames()).containsExactly("localhost:6379");
        assertThat(plain.user()).isNull();
        assertThat(plain.password()).isNull();
        assertThat(parse("redis://:only-password@h:1").password()).isEqualTo("only-password");
        assertThat(parse("redis://:only-password@h:1").user()).isNull();
        assertThat(parse("redis://[::1]:7000").nodeNames()).containsExactly("::1:7000");
    }

    @Test
    void passwordsArePercentDecodedAndMayHoldUriCharacters() {
        assertThat(parse("redis://u:p%40ss%2Fw%3Ard%25@h:1").password()).isEqualTo("p@ss/w:rd%");
        assertThat(parse("redis://u:p@ss/w?rd@h:1/3").password()).isEqualTo("p@ss/w?rd");
        assertThat(parse("redis://u:p@ss/w?rd@h:1/3").database()).isEqualTo(3);
        assertThat(parse("redis://u:a+b@h:1").password()).isEqualTo("a+b");
    }

    @Test
    void tlsSentinelAndCluster() {
        assertThat(parse("rediss://h:6380").ssl()).isTrue();
        RedisSettings sentinel = parse(
                "redis-sentinel://u:p@10.0.0.1:26379,10.0.0.2,[::1]:26380/mymaster?database=3&sentinelPassword=sp&ssl=true");
        assertThat(sentinel.mode()).isEqualTo(RedisSettings.Mode.SENTINEL);
        assertThat(sentinel.nodeNames()).containsExactly("10.0.0.1:26379", "10.0.0.2:26379", "::1:26380");
        assertThat(sentinel.masterName()).isEqualTo("mymaster");
        assertThat(sentinel.database()).isEqualTo(3);
        assertThat(sentinel.sentinelPassword()).isEqualTo("sp");
        assertThat(sentinel.password()).isEqualTo("p");
        assertThat(sentinel.ssl()).isTrue();
        RedisSettings cluster = parse("redis-cluster://a:7000,b:7001,c?ssl=true");
        assertThat(cluster.mode()).isEqualTo(RedisSettings.Mode.CLUSTER);
        assertThat(cluster.nodeNames()).containsExactly("a:7000", "b:7001", "c:6379");
        assertThat(cluster.ssl()).isTrue();
        assertThat(parse("REDIS://h:1").mode()).isEqualTo(RedisSettings.Mode.STANDALONE);
    }

    @Test
    void queryParameters() {
        RedisSettings s = parse("redis://h:1?connectTimeout=250ms&socketTimeout=PT1.5S&poolTimeout=3s"
                + "&poolSize=64&keyPrefix=billing:&clientName=billing-svc");
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(s.socketTimeout()).isEqualTo(Duration.ofMillis(1500));
        assertThat(s.poolTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.poolSize()).isEqualTo(64);
        assertThat(s.keyPrefix()).isEqualTo("billing:");
        assertThat(s.clientName()).isEqualTo("billing-svc");
        RedisSettings cluster = parse("redis-cluster://h:1?connectTimeout=10m&durableCompletionTimeout=500ms&ssl=TRUE");
        assertThat(cluster.connectTimeout()).isEqualTo(Duration.ofMinutes(10));
        assertThat(cluster.durableTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(cluster.ssl()).isTrue();
        assertThat(parse("redis-sentinel://h/m?ssl=True").ssl()).isTrue();
    }

    @Test
    void optionsUseTheLibrarysOneSyntaxAndABareNumberIsRefused() {
        // Options: one duration syntax everywhere; a bare number could be seconds or milliseconds, so it is refused
        bad("redis://h:1?connectTimeout=700", "connectTimeout must be a duration such as 500ms, 30s, 10m, 24h or PT10M,"
                + " but was '700'");
        bad("redis://h:1?socketTimeout=0ms", "socketTimeout must be at least 1ms, but was '0ms'");
        bad("redis://h:1?poolTimeout=-PT1S", "poolTimeout must be at least 1ms");
        bad("redis://h:1?durableCompletionTimeout=1.5s", "durableCompletionTimeout must be a duration");
        bad("redis-cluster://h:1?ssl=yes", "ssl must be true or false, but was 'yes'");
        bad("redis://h:1?poolSize=many", "poolSize must be a whole number, but was 'many'");
        bad("redis://h:1?durableCompletion=1x", "durableCompletion must be a whole number, but was '1x'");
    }

    @Test
    void errorsNameTheBadPartAndNeverThePassword() {
        String secret = "Sup3rS3cret";
        bad("redis://u:" + secret + "@h:notaport", "port of 'h:notaport' must be a number from 1 to 65535");
        bad("redis://u:" + secret + "@h:0", "from 1 to 65535");
        bad("redis://u:" + secret + "@:6379", "the host is missing");
        bad("redis://u:" + secret + "@h:1/x", "the database (path) must be a whole number, but was 'x'");
        bad("redis://u:" + secret + "@h:1/-1", "database must be 0 or more");
        bad("redis://u:" + secret + "@h:1,h:2", "expected one host:port, but found 2");
        bad("redis://u:" + secret + "@h:1?timeout=5", "unknown parameter 'timeout' for redis://");
        bad("redis://u:" + secret + "@h:1?connectTimeout=soon", "connectTimeout must be a duration such as 500ms");
        bad("redis://u:" + secret + "@h:1?connectTimeout=0ms", "connectTimeout must be at least 1ms");
        bad("redis://u:" + secret + "@h:1?connectTimeout=PT600H", "connectTimeout must be at most");
        bad("redis://u:" + secret + "@h:1?poolSize=0", "poolSize must be from 1 to 10000, but was 0");
        bad("redis://u:" + secret + "@h:1?keyPrefix=a{b}", "keyPrefix must not contain '{' or '}'");
        bad("redis://u:" + secret + "@h:1?clientName=a b", "clientName must be printable ASCII");
        bad("redis://u:" + secret + "@h:1?poolSize=1&poolSize=2", "'poolSize' is given twice");
        bad("redis://u:" + secret + "@h:1?database=2", "unknown parameter 'database'");
        bad("redis://u:" + secret + "%zz@h:1", "the password has a '%' that is not followed by two hex digits");
        bad("redis://" + secret + "@h:1", "the user info must be user:password or :password");
        bad("redis-sentinel://u:" + secret + "@h:26379", "the master name is missing");
        bad("redis-sentinel://u:" + secret + "@h:26379/m/1", "expected one path segment");
        bad("redis-cluster://u:" + secret + "@a:1,b:2/1", "Redis Cluster has only database 0");
        bad("redis-cluster://u:" + secret + "@a:1,,b:2", "empty host");
        bad("redis-sentinel://u:" + secret + "@h:26379/m?sentinelPassword=" + secret + "&bogus=1",
                "unknown parameter 'bogus'");
        bad("redis://u:" + secret + "@h:1#frag", "fragment");
        bad("redis://u:" + secret + "@[::1:6379", "lacks its closing ']'");
    }

    private static void bad(String uri, String reason) {
        assertThatThrownBy(() -> RedisStore.builder().uri(uri)).as(uri)
                .isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining(reason)
                .hasMessageContaining("bad store URI '")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("Sup3rS3cret"));
    }

    @Test
    void redactionMasksPasswordsInUserInfoAndParameters() {
        assertThat(RedisUris.redact("redis://app:p@ss/w@h:1/0?keyPrefix=x:"))
                .isEqualTo("redis://app:***@h:1/0?keyPrefix=x:");
        assertThat(RedisUris.redact("redis-sentinel://:pw@h/m?sentinelPassword=pw2&database=1"))
                .isEqualTo("redis-sentinel://:***@h/m?sentinelPassword=***&database=1");
        assertThat(RedisUris.redact("redis://onlyword@h")).isEqualTo("redis://***@h");
    }

    @Test
    void buildersCheckTheirValuesAtOnce() {
        assertThatThrownBy(() -> RedisStore.builder().socketTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessage("socketTimeout must be at least one millisecond, but was PT-1S");
        assertThatThrownBy(() -> RedisStore.builder().cluster("a:1", "nohost")).hasMessageContaining("'nohost'");
        assertThatThrownBy(() -> RedisStore.builder().sentinel(" ", "a:1")).hasMessageContaining("masterName");
        assertThatThrownBy(() -> RedisStore.builder().build()).hasMessageContaining("no Redis given");
        assertThatThrownBy(() -> RedisStore.builder().cluster("a:1").database(1).build())
                .hasMessageContaining("only database 0");
    }

    @Test
    void theProviderIsFoundThroughTheServiceLoaderAndNamesItsForms() {
        List<IdempotencyStoreProvider> providers = ServiceLoader.load(IdempotencyStoreProvider.class).stream()
                .map(ServiceLoader.Provider::get).toList();
        assertThat(providers).anyMatch(p -> p instanceof RedisStoreProvider);
        for (String uri : List.of("redis://h:1", "rediss://h:1", "redis-sentinel://h:1/m", "redis-cluster://h:1")) {
            assertThat(providers.stream().filter(p -> p.accepts(uri)).toList()).as(uri).singleElement()
                    .isInstanceOf(RedisStoreProvider.class);
        }
        assertThat(new RedisStoreProvider().accepts("memory:")).isFalse();
        assertThat(new RedisStoreProvider().accepts("redisx://h")).isFalse();
        assertThat(new RedisStoreProvider().uriForms()).contains("redis-sentinel://").contains("redis-cluster://");
    }
}

package dev.idempotency.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyConfigurationException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentArgumentsTest {

    @Test
    void noArgumentsMeanTheOtherSources() {
        assertThat(AgentArguments.parse(null).settings()).isEmpty();
        assertThat(AgentArguments.parse("  ").settings()).isEmpty();
    }

    @Test
    void pairsSeparatedByCommas() {
        AgentArguments parsed = AgentArguments.parse("store=redis://127.0.0.1:6379,ttl=PT10M,lease=PT20S,failOpen=true");
        assertThat(parsed.settings()).isEqualTo(Map.of("store", "redis://127.0.0.1:6379", "ttl", "PT10M",
                "lease", "PT20S", "failOpen", "true"));
        assertThat(parsed.debug()).isFalse();
        assertThat(AgentArguments.parse("debug=true").debug()).isTrue();
        assertThat(AgentArguments.parse("maxResultSize=512KiB").settings()).isEqualTo(Map.of("maxResultSize", "512KiB"));
        assertThat(AgentArguments.parse("store=redis://127.0.0.1:6379,nearCache.maxEntries=0,nearCache.maxAge=30s")
                .settings()).isEqualTo(Map.of("store", "redis://127.0.0.1:6379", "nearCache.maxEntries", "0",
                        "nearCache.maxAge", "30s"));
    }

    @Test
    void theFiltersRouteSettingsAreArgumentsTooAndTheirCommasStayInTheRoutes() {
        assertThat(AgentArguments.parse("store=memory:,http.routes=POST /api/payments/**, PUT /api/orders/*,"
                + "http.maxBodySize=512KB,http.releaseOn5xx=false,http.header=X-Request-Key").settings())
                .isEqualTo(Map.of("store", "memory:", "http.routes", "POST /api/payments/**, PUT /api/orders/*",
                        "http.maxBodySize", "512KB", "http.releaseOn5xx", "false", "http.header", "X-Request-Key"));
    }

    @Test
    void aPasswordHoldingCommaNameEqualsStaysInTheStoreUriAndIsNeverEchoed() {
        assertThat(AgentArguments.parse("store=redis://:pa,ss=w0rd@127.0.0.1:6379,ttl=PT1M").settings())
                .isEqualTo(Map.of("store", "redis://:pa,ss=w0rd@127.0.0.1:6379", "ttl", "PT1M"));
    }

    @Test
    void aCommaNotFollowedByANameBelongsToTheValue() {
        assertThat(AgentArguments.parse("store=redis-cluster://10.0.0.1:7000,10.0.0.2:7000,ttl=PT1M").settings())
                .isEqualTo(Map.of("store", "redis-cluster://10.0.0.1:7000,10.0.0.2:7000", "ttl", "PT1M"));
        assertThat(AgentArguments.parse("ttl=PT1M,store=redis-sentinel://a:26379,b:26379/mymaster").settings())
                .containsEntry("store", "redis-sentinel://a:26379,b:26379/mymaster");
        assertThat(AgentArguments.parse("store=jdbc:h2:mem:x;MODE=PostgreSQL").settings())
                .containsEntry("store", "jdbc:h2:mem:x;MODE=PostgreSQL");
    }

    @Test
    void mistakesAreNamedAndPasswordsMasked() {
        assertThatThrownBy(() -> AgentArguments.parse("tll=PT1M")).isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("unknown agent argument 'tll'").hasMessageContaining("known: store, ttl");
        assertThatThrownBy(() -> AgentArguments.parse("ttl=PT1M,ttl=PT2M"))
                .hasMessageContaining("ttl= is given twice");
        assertThatThrownBy(() -> AgentArguments.parse("redis://u:secret@h:1"))
                .hasMessageContaining("name=value pairs").hasMessageNotContaining("secret");
        assertThatThrownBy(() -> AgentArguments.parse("debug=yes")).hasMessageContaining("debug= must be true or false");
    }
}

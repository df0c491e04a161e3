package dev.idempotency.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.spi.IdempotencyStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The store contract with claims made by the claim script, as on servers before 7.0 (which lack {@code SET … NX GET});
 * forced here on the shared server.
 */
@RequiresRedis
class RedisScriptClaimStoreTest extends RealTimeStoreSuite {

    private static final String PREFIX = SharedRedis.prefix("script-claim");

    @Override
    protected IdempotencyStore newStore() {
        RedisStore.Builder builder = RedisStore.builder().standalone(RedisCheck.HOST, RedisCheck.PORT).keyPrefix(PREFIX);
        builder.claimByScript = true;
        return builder.build();
    }

    @AfterAll
    static void deleteKeys() {
        SharedRedis.deleteKeys(PREFIX);
    }

    @Test
    void claimsGoThroughTheScript() {
        assertThat(((RedisStore) store).claimsBySetGet()).isFalse();
    }
}

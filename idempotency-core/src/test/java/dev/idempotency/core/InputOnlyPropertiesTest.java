package dev.idempotency.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.idempotency.IdempotencyKeyReuseException;
import dev.idempotency.memory.MemoryStore;
import java.math.BigDecimal;
import java.time.Clock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * End to end: a request property that goes in but never comes out (here a creator parameter without a getter) is
 * part of the payload, so another request under the same key is refused, never answered with the first one's result.
 */
class InputOnlyPropertiesTest {

    /** Immutable request DTO, as Jackson builds it: the destination has no getter (never echoed back). */
    public static final class Transfer {
        private final String requestId;
        private final String to;
        private final BigDecimal amount;

        @JsonCreator
        public Transfer(@JsonProperty("requestId") String requestId, @JsonProperty("to") String to,
                        @JsonProperty("amount") BigDecimal amount) {
            this.requestId = requestId;
            this.to = to;
            this.amount = amount;
        }

        public String getRequestId() {
            return requestId;
        }

        public BigDecimal getAmount() {
            return amount;
        }

        String to() {
            return to;
        }
    }

    private final IdempotencyRuntime runtime = IdempotencyRuntime.create(IdempotencyConfig.builder()
            .store(new MemoryStore(Clock.systemUTC(), 1_000)).build());

    @AfterEach
    void close() {
        runtime.close();
    }

    private String pay(Transfer t) {
        return runtime.call("rev.pay", t.getRequestId(), String.class).payload(t).run(() -> "paid " + t.getAmount()
                + " to " + t.to());
    }

    @Test
    void aTransferToAnotherAccountUnderTheSameKeyIsRefusedThoughTheAccountHasNoGetter() {
        assertThat(pay(new Transfer("r1", "alice", BigDecimal.TEN))).isEqualTo("paid 10 to alice");
        assertThatThrownBy(() -> pay(new Transfer("r1", "mallory", BigDecimal.TEN)))
                .isInstanceOf(IdempotencyKeyReuseException.class);
        // the honest retry still replays: the body does not run again
        assertThat(runtime.call("rev.pay", "r1", String.class).payload(new Transfer("r1", "alice", BigDecimal.TEN))
                .run(() -> "ran twice")).isEqualTo("paid 10 to alice");
    }
}

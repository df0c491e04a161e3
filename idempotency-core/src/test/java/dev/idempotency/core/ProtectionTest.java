package dev.idempotency.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.Idempotent;
import org.junit.jupiter.api.Test;

/** This module's tests are compiled without the weaving plugin and run without the agent: nothing here is protected. */
class ProtectionTest {

    static class Unwoven {
        @Idempotent(key = "#id")
        public String pay(String id) {
            return id;
        }
    }

    @Test
    void aMethodNeitherWovenNorInstrumentedIsReportedUnprotected() throws Exception {
        assertThat(Idempotency.isProtected(Unwoven.class.getMethod("pay", String.class))).isFalse();
    }
}

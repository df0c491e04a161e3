package dev.idempotency.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.IdempotencyInProgressException;
import dev.idempotency.IdempotencyKeyException;
import dev.idempotency.IdempotencyKeyReuseException;
import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.signature.SignatureException;
import dev.idempotency.signature.Verification;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ExceptionMapperTest {

    @Test
    void mapsTheLibrarysExceptionsToStatuses() {
        assertThat(ExceptionMapper.status(new IdempotencyKeyException("no key", "ns", null))).isEqualTo(400);
        assertThat(ExceptionMapper.status(new IdempotencyInProgressException("busy", "ns", "k"))).isEqualTo(409);
        assertThat(ExceptionMapper.status(new IdempotencyKeyReuseException("reused", "ns", "k"))).isEqualTo(422);
        assertThat(ExceptionMapper.status(new IdempotencyStoreException("down", "ns", "k"))).isEqualTo(503);
        assertThat(ExceptionMapper.status(new IdempotencyConfigurationException("bad", "ns", null))).isEqualTo(500);
        assertThat(ExceptionMapper.status(new IllegalArgumentException("insufficient funds"))).isEqualTo(400);
        assertThat(ExceptionMapper.status(new IllegalStateException("bug"))).isEqualTo(500);
    }

    @Test
    void theErrorBodyCarriesTheMessageButHidesInternalErrors() {
        String internal = "store redis://payments:***@cache.internal:6379 could not claim key 'k' (namespace"
                + " com.acme.Payments.pay(java.lang.String)): WRONGTYPE";
        ExceptionMapper.ErrorBody down = ExceptionMapper.body(503, new IdempotencyStoreException(internal, "ns", "k"));
        assertThat(down.error()).isEqualTo("IdempotencyStoreException");
        assertThat(down.message()).contains("did not run").doesNotContain("cache.internal", "payments", "com.acme",
                "WRONGTYPE");
        assertThat(ExceptionMapper.body(422, new IdempotencyKeyReuseException(internal, "ns", "k")).message())
                .isEqualTo("the key 'k' was used before with a different payload");
        assertThat(ExceptionMapper.body(500, new IllegalStateException("secret detail")).message())
                .isEqualTo("internal error");
    }

    @Test
    void aRefusedSignatureIsAnsweredWithItsStatusReasonAndTheServersTime() throws Exception {
        Instant now = Instant.parse("2026-01-02T03:04:05Z");
        SignatureException replay = new SignatureException(new Verification.Refused(
                Verification.Reason.NONCE_REUSED, "nonce already used: a replay", now));
        SignatureException unreadable = new SignatureException(new Verification.Refused(
                Verification.Reason.MALFORMED, "Signature-Input is not a structured field dictionary", now));

        assertThat(ExceptionMapper.status(replay)).isEqualTo(401);
        assertThat(ExceptionMapper.status(unreadable)).isEqualTo(400);
        assertThat(ApiServer.JSON.writeValueAsString(ExceptionMapper.body(401, replay))).isEqualTo(
                "{\"status\":401,\"error\":\"SignatureException\",\"message\":\"nonce already used: a replay\","
                        + "\"reason\":\"NONCE_REUSED\",\"serverTime\":\"2026-01-02T03:04:05Z\"}");
        // other errors keep their three fields
        assertThat(ApiServer.JSON.writeValueAsString(ExceptionMapper.body(409,
                new IdempotencyInProgressException("busy", "ns", "k")))).doesNotContain("reason", "serverTime");
    }
}

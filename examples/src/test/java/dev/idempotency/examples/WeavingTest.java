package dev.idempotency.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyKeyException;
import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Fails if the build stopped weaving the aspect into the services: plain Java would run every call. */
class WeavingTest {

    @BeforeEach
    void configure() {
        Idempotency.configure(IdempotencyConfig.builder().storeUri("memory:").build());
    }

    @AfterEach
    void reset() {
        Idempotency.reset();
    }

    @Test
    void aDirectDuplicateCallDoesNotRunAgain() {
        Accounts accounts = new Accounts().open("alice", 100).open("bob", 0);
        TransferService service = new TransferService(accounts, Duration.ZERO);
        TransferRequest request = new TransferRequest("alice", "bob", 60);

        Receipt first = service.transfer("direct-1", request);
        Receipt second = service.transfer("direct-1", request);

        assertThat(service.executions()).as("executions of a woven method called twice with one key").isEqualTo(1);
        assertThat(second).isEqualTo(first);
        assertThat(accounts.balance("alice")).isEqualTo(40);
    }

    @Test
    void aNullKeyIsRefusedBeforeTheBodyRuns() {
        TransferService service = new TransferService(new Accounts().open("alice", 100).open("bob", 0), Duration.ZERO);

        assertThatThrownBy(() -> service.transfer(null, new TransferRequest("alice", "bob", 1)))
                .isInstanceOf(IdempotencyKeyException.class);
        assertThat(service.executions()).isZero();
    }

    @Test
    void theCompiledClassesCarryTheAspectsAdvice() {
        for (Class<?> type : List.of(TransferService.class, OrderService.class)) {
            assertThat(Arrays.stream(type.getDeclaredMethods()).map(m -> m.getName()))
                    .as("ajc's around-advice bodies in %s", type.getSimpleName())
                    .anyMatch(name -> name.contains("aroundBody"));
        }
    }
}

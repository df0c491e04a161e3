package dev.idempotency.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.IdempotencyKeyException;
import dev.idempotency.Idempotent;
import dev.idempotency.bridge.WovenMethod;
import dev.idempotency.memory.MemoryStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code #headers['…']} and {@code #principal}: what a key reads from the request bound to the thread. */
class RequestExpressionsTest {

    static final AtomicInteger RUNS = new AtomicInteger();

    static final class Api {
        @Idempotent(key = "#headers['Idempotency-Key']")
        public String pay(String amount) {
            return "paid " + amount + " #" + RUNS.incrementAndGet();
        }

        @Idempotent(key = "#principal + ':' + #headers['Idempotency-Key']")
        public String scoped(String amount) {
            return "paid " + amount + " #" + RUNS.incrementAndGet();
        }

        @Idempotent(key = "#headers")
        public String ownParameter(String headers) {
            return "own " + headers + " #" + RUNS.incrementAndGet();
        }
    }

    static final class Broken {
        @Idempotent(key = "#headers")
        public String noName(String amount) {
            return amount;
        }

        @Idempotent(key = "#headers['Idempotency Key']")
        public String badName(String amount) {
            return amount;
        }

        @Idempotent(key = "#principal.length")
        public String property(String amount) {
            return amount;
        }
    }

    /** A request as a servlet container gives it: header names case-insensitive, values in order. */
    static final class FakeRequest implements CurrentRequest.Request {
        final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        final String principal;
        final AtomicInteger replays = new AtomicInteger();

        FakeRequest(String principal, String... nameValues) {
            this.principal = principal;
            for (int i = 0; i < nameValues.length; i += 2) {
                headers.computeIfAbsent(nameValues[i], n -> new ArrayList<>()).add(nameValues[i + 1]);
            }
        }

        @Override
        public List<String> headers(String name) {
            return headers.getOrDefault(name, List.of());
        }

        @Override
        public String principal() {
            return principal;
        }

        @Override
        public void replayed() {
            replays.incrementAndGet();
        }
    }

    @BeforeEach
    void runtime() {
        Idempotency.configure(IdempotencyConfig.builder().store(new MemoryStore(Clock.systemUTC(), 1000)).build());
        RUNS.set(0);
    }

    @AfterEach
    void reset() {
        Idempotency.reset();
    }

    private static Object call(String method, FakeRequest request, String argument) throws Throwable {
        try (CurrentRequest.Binding binding = CurrentRequest.bind(request)) {
            return WovenMethod.of(Api.class.getMethod(method, String.class))
                    .execute(new Object[] {argument}, () -> {
                        Api api = new Api();
                        return Api.class.getMethod(method, String.class).invoke(api, argument);
                    });
        }
    }

    @Test
    void aQuotedAndAnUnquotedKeyAreTheSameKeyAndTheReplayIsReported() throws Throwable {
        FakeRequest quoted = new FakeRequest(null, "Idempotency-Key", "\"8e03978e-40d5\"");
        FakeRequest bare = new FakeRequest(null, "idempotency-key", "8e03978e-40d5");
        Object first = call("pay", quoted, "10");
        Object second = call("pay", bare, "10");
        assertThat(second).isEqualTo(first);
        assertThat(RUNS).hasValue(1);
        assertThat(quoted.replays).hasValue(0);
        assertThat(bare.replays).as("told before the call returned").hasValue(1);
    }

    @Test
    void keysAreScopedPerCallerWhenTheExpressionSaysSo() throws Throwable {
        call("scoped", new FakeRequest("alice", "Idempotency-Key", "\"k\""), "10");
        call("scoped", new FakeRequest("bob", "Idempotency-Key", "\"k\""), "10");
        call("scoped", new FakeRequest("alice", "Idempotency-Key", "\"k\""), "10");
        assertThat(RUNS).as("one run per caller").hasValue(2);
    }

    @Test
    void aMissingDuplicatedOrMalformedHeaderIsABadKeyAndNothingRuns() {
        assertThatThrownBy(() -> call("pay", new FakeRequest(null), "10"))
                .isInstanceOf(IdempotencyKeyException.class).hasMessageContaining("#headers['Idempotency-Key'] is null");
        assertThatThrownBy(() -> call("pay", new FakeRequest(null, "Idempotency-Key", "a", "IDEMPOTENCY-KEY", "b"), "10"))
                .isInstanceOf(IdempotencyKeyException.class).hasMessageContaining("2 times");
        for (String bad : new String[] {"\"open", "\"a\"b", "\"a\\x\"", "\"caf\u00e9\"", "\"tab\there\"", "\"end\\"}) {
            assertThatThrownBy(() -> call("pay", new FakeRequest(null, "Idempotency-Key", bad), "10")).as(bad)
                    .isInstanceOf(IdempotencyKeyException.class)
                    .hasMessageContaining("not a valid Structured Field String")
                    .hasMessageContaining("Idempotency-Key");
        }
        assertThatThrownBy(() -> call("pay", new FakeRequest(null, "Idempotency-Key", "bad\u0000key"), "10"))
                .as("an unquoted key goes through the key checks").isInstanceOf(IdempotencyKeyException.class);
        assertThat(RUNS).hasValue(0);
    }

    @Test
    void escapesInAStructuredStringAreUndone() throws Throwable {
        call("pay", new FakeRequest(null, "Idempotency-Key", "\"a\\\"b\\\\c\""), "10");
        call("pay", new FakeRequest(null, "Idempotency-Key", "a\"b\\c"), "10");
        assertThat(RUNS).hasValue(1);
    }

    @Test
    void outsideARequestTheHeaderIsNullAndRefused() {
        assertThatThrownBy(() -> WovenMethod.of(Api.class.getMethod("pay", String.class))
                .execute(new Object[] {"10"}, () -> "ran")).isInstanceOf(IdempotencyKeyException.class)
                .as("says why, for a call made off the request's thread").hasMessageContaining("no request is bound");
        assertThat(CurrentRequest.current()).isNull();
        assertThatThrownBy(() -> call("pay", new FakeRequest(null), "10")).as("a request without the header")
                .isInstanceOf(IdempotencyKeyException.class).message().doesNotContain("no request is bound");
    }

    @Test
    void aBindingRestoresWhatWasBoundBeforeAndBelongsToItsThread() throws Exception {
        FakeRequest outer = new FakeRequest("outer");
        FakeRequest inner = new FakeRequest("inner");
        try (CurrentRequest.Binding a = CurrentRequest.bind(outer)) {
            try (CurrentRequest.Binding b = CurrentRequest.bind(inner)) {
                assertThat(CurrentRequest.principal()).isEqualTo("inner");
                CompletableFuture<Throwable> elsewhere = CompletableFuture.supplyAsync(() -> {
                    try {
                        b.close();
                        return null;
                    } catch (IllegalStateException e) {
                        return e;
                    }
                });
                assertThat(elsewhere.get()).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("closed on the thread that made it");
                assertThat(CompletableFuture.supplyAsync(CurrentRequest::principal).get())
                        .as("not seen by another thread").isNull();
            }
            assertThat(CurrentRequest.principal()).isEqualTo("outer");
        }
        assertThat(CurrentRequest.current()).isNull();
    }

    @Test
    void aParameterNamedHeadersComesFirst() throws Throwable {
        Object first = WovenMethod.of(Api.class.getMethod("ownParameter", String.class))
                .execute(new Object[] {"h1"}, () -> new Api().ownParameter("h1"));
        Object again = WovenMethod.of(Api.class.getMethod("ownParameter", String.class))
                .execute(new Object[] {"h1"}, () -> new Api().ownParameter("h1"));
        assertThat(again).isEqualTo(first);
        assertThat(RUNS).hasValue(1);
    }

    @Test
    void malformedRequestExpressionsAreRefusedNamingThePart() {
        assertThatThrownBy(() -> WovenMethod.of(Broken.class.getMethod("noName", String.class))
                .execute(new Object[] {"1"}, () -> "ran"))
                .isInstanceOf(IdempotencyConfigurationException.class).hasMessageContaining("#headers['Idempotency-Key']");
        assertThatThrownBy(() -> WovenMethod.of(Broken.class.getMethod("badName", String.class))
                .execute(new Object[] {"1"}, () -> "ran"))
                .isInstanceOf(IdempotencyConfigurationException.class).hasMessageContaining("is not a header name");
        assertThatThrownBy(() -> WovenMethod.of(Broken.class.getMethod("property", String.class))
                .execute(new Object[] {"1"}, () -> "ran"))
                .isInstanceOf(IdempotencyConfigurationException.class).hasMessageContaining("no properties");
    }
}

package dev.idempotency.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyKeyException;
import dev.idempotency.IdempotencyKeys;
import dev.idempotency.Idempotent;
import dev.idempotency.bridge.WovenMethod;
import dev.idempotency.core.RequestExpressionsTest.FakeRequest;
import dev.idempotency.memory.MemoryStore;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client's key when it sends one, else a key derived from the content: end to end, on the woven path. */
class DerivedKeysTest {

    static final AtomicInteger RUNS = new AtomicInteger();

    public record Order(String sku, int quantity, BigDecimal price) {
    }

    static final class Shop {
        @Idempotent(key = "#headers['Idempotency-Key'] ?: #contentHash(#order)")
        public String place(Order order) {
            return "order " + order.sku() + " #" + RUNS.incrementAndGet();
        }

        @Idempotent(key = "#principal + ':' + (#headers['Idempotency-Key'] ?: #contentHash(#body))")
        public String submit(Map<String, Object> body) {
            return "form " + body.get("name") + " #" + RUNS.incrementAndGet();
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

    private static Object call(String name, Class<?> type, FakeRequest request, Object argument) throws Throwable {
        Method method = Shop.class.getMethod(name, type);
        try (CurrentRequest.Binding binding = CurrentRequest.bind(request)) {
            return WovenMethod.of(method).execute(new Object[] {argument}, () -> method.invoke(new Shop(), argument));
        }
    }

    private static Object place(FakeRequest request, Order order) throws Throwable {
        return call("place", Order.class, request, order);
    }

    @Test
    void withoutAKeyTwoIdenticalPayloadsRunOnceAndDifferentOnesRunEach() throws Throwable {
        FakeRequest second = new FakeRequest(null);
        Object first = place(new FakeRequest(null), new Order("tea", 2, new BigDecimal("3.50")));
        Object again = place(second, new Order("tea", 2, new BigDecimal("3.5")));
        assertThat(again).as("the second identical request is a replay").isEqualTo(first);
        assertThat(second.replays).hasValue(1);
        assertThat(RUNS).hasValue(1);

        Object other = place(new FakeRequest(null), new Order("tea", 3, new BigDecimal("3.50")));
        assertThat(other).isNotEqualTo(first);
        assertThat(RUNS).hasValue(2);
        place(new FakeRequest(null, "Idempotency-Key", ""), new Order("tea", 3, new BigDecimal("3.50")));
        assertThat(RUNS).as("an empty header is no key: the content decides").hasValue(2);
    }

    @Test
    void aClientKeyWinsSoDeliberateRepeatsWithTheirOwnKeysBothRun() throws Throwable {
        Order order = new Order("tea", 2, new BigDecimal("3.50"));
        place(new FakeRequest(null, "Idempotency-Key", "\"k-1\""), order);
        place(new FakeRequest(null, "Idempotency-Key", "\"k-2\""), order);
        assertThat(RUNS).hasValue(2);
        place(new FakeRequest(null, "Idempotency-Key", "\"k-1\""), order);
        assertThat(RUNS).as("a retry with its key").hasValue(2);
    }

    @Test
    void aClientThatHashesItsContentMeetsTheServersDerivedKey() throws Throwable {
        Order order = new Order("tea", 2, new BigDecimal("3.50"));
        Object derived = place(new FakeRequest(null), order);
        Object sent = place(new FakeRequest(null, "Idempotency-Key", IdempotencyKeys.contentHash(order)), order);
        assertThat(sent).isEqualTo(derived);
        assertThat(RUNS).hasValue(1);
    }

    @Test
    void aMalformedOrRepeatedHeaderIsRefusedNotReplacedByTheHash() {
        Order order = new Order("tea", 2, new BigDecimal("3.50"));
        assertThatThrownBy(() -> place(new FakeRequest(null, "Idempotency-Key", "\"open"), order))
                .isInstanceOf(IdempotencyKeyException.class).hasMessageContaining("not a valid Structured Field String");
        assertThatThrownBy(() -> place(new FakeRequest(null, "Idempotency-Key", "a", "Idempotency-Key", "b"), order))
                .isInstanceOf(IdempotencyKeyException.class).hasMessageContaining("2 times");
        assertThatThrownBy(() -> place(new FakeRequest(null, "Idempotency-Key", "\" \""), order))
                .isInstanceOf(IdempotencyKeyException.class).hasMessageContaining("blank");
        assertThat(RUNS).hasValue(0);
    }

    @Test
    void mapsInAnyFieldOrderAreOneRequestPerCaller() throws Throwable {
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("name", "Ada");
        one.put("plan", "pro");
        Map<String, Object> two = new LinkedHashMap<>();
        two.put("plan", "pro");
        two.put("name", "Ada");
        call("submit", Map.class, new FakeRequest("alice"), one);
        call("submit", Map.class, new FakeRequest("alice"), two);
        assertThat(RUNS).hasValue(1);
        call("submit", Map.class, new FakeRequest("bob"), two);
        assertThat(RUNS).as("scoped by the caller: bob never gets alice's answer").hasValue(2);
    }
}

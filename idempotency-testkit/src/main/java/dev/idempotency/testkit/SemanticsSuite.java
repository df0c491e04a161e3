package dev.idempotency.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.IdempotencyException;
import dev.idempotency.IdempotencyInProgressException;
import dev.idempotency.IdempotencyKeyException;
import dev.idempotency.IdempotencyKeyReuseException;
import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.core.IdempotencyEvent;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.spi.Outcome;
import dev.idempotency.spi.StoredRecord;
import dev.idempotency.testkit.fixtures.BrokenService;
import dev.idempotency.testkit.fixtures.ConformanceService;
import dev.idempotency.testkit.fixtures.Types;
import dev.idempotency.testkit.fixtures.Types.AccountClosedException;
import dev.idempotency.testkit.fixtures.Types.Address;
import dev.idempotency.testkit.fixtures.Types.Customer;
import dev.idempotency.testkit.fixtures.Types.InsufficientFundsException;
import dev.idempotency.testkit.fixtures.Types.Order;
import dev.idempotency.testkit.fixtures.Types.Receipt;
import dev.idempotency.testkit.fixtures.Types.TransferRequest;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract's semantics, written once. Each weaving route runs it on its own idempotent
 * {@link ConformanceService}, and each store runs it by overriding {@link #newStore(Clock)}.
 *
 * <p>Where {@link StoreSuite} calls a store directly, this suite runs the whole library on it: before each test it
 * configures the process-wide runtime ({@code Idempotency.configure}) with the store wrapped in a
 * {@link ControllableStore}, the suite's {@link MutableClock} and a 30 s lease, then calls {@code @Idempotent}
 * methods and checks replays, key reuse, calls in progress, ttls, takeovers, remembered exceptions, an unreachable or
 * misbehaving store, and concurrent callers. After each test it resets the runtime, which closes the store.
 *
 * <p>To run it on a store of your own, extend it in a JUnit 5 test class:
 * <pre>{@code
 * class AcmeStoreSemanticsTest extends SemanticsSuite {
 *
 *     @Override
 *     protected IdempotencyStore newStore(Clock clock) {
 *         return new AcmeStore(clock);     // a new store for each test, keeping time by the suite's clock
 *     }
 * }
 * }</pre>
 * A store that keeps its own time (a server's clock) also overrides {@link #storeUsesTestClock()} to return
 * {@code false}: the tests that move the clock past a lease or a ttl are then skipped, and the others run.
 *
 * <p>The methods the suite calls are compiled without weaving: the test JVM must make them idempotent, as an
 * application's build or start-up would. Either weave the testkit jar with the library's aspect at build time (with
 * the AspectJ Maven plugin, the testkit as a weave dependency and {@code idempotency-aspect} as an aspect library, the
 * woven classes ahead of the unwoven jar on the test class path), or run the tests with the agent
 * ({@code -javaagent:idempotency-agent.jar} in the test JVM's arguments). Without either, the test
 * {@code theRouteUnderTestProtectsTheServicesMethods} fails with "woven or instrumented", and most others fail
 * with it.
 *
 * <p>The suite uses the process-wide runtime, so its tests must not run in parallel with other tests in one JVM.
 * Each test has 60 seconds.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
public abstract class SemanticsSuite {

    /** The runtime's clock in the current test, starting at the same instant in every test. */
    protected MutableClock clock;
    /** The store of the current test, from {@link #newStore(Clock)}, with switches for fault tests. */
    protected ControllableStore store;
    /** The service whose {@code @Idempotent} methods the tests call; a new one for each test. */
    protected ConformanceService service;
    /** The runtime's events in the current test, in order, as {@link #record} received them. */
    protected final List<IdempotencyEvent> events = new CopyOnWriteArrayList<>();
    private ExecutorService pool;

    /**
     * The store under test; the default is the in-memory store on the test's clock. Called before each test; the
     * runtime closes the store after it.
     *
     * @param clock the test's clock ({@link #clock}), for a store that can keep time by a clock it is given
     * @return a new, open store
     */
    protected IdempotencyStore newStore(Clock clock) {
        return new dev.idempotency.memory.MemoryStore(clock, 10_000);
    }

    /**
     * Whether the store keeps time by {@link #clock} (so leases and ttls can be moved without sleeping).
     *
     * @return {@code true} unless overridden; {@code false} skips the tests that move the clock past a lease or ttl
     */
    protected boolean storeUsesTestClock() {
        return true;
    }

    @BeforeEach
    void configureRuntime() {
        clock = new MutableClock();
        store = new ControllableStore(newStore(clock));
        Idempotency.configure(IdempotencyConfig.builder()
                .store(store)
                .clock(clock)
                .defaultLease(Duration.ofSeconds(30))
                .listener(this::record)
                .build());
        service = new ConformanceService();
        pool = Executors.newCachedThreadPool();
    }

    @AfterEach
    void closeRuntime() throws InterruptedException {
        if (service == null) {
            return; // the store was not there: the test was skipped before anything started
        }
        service.gate.countDown();
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        Idempotency.reset();
    }

    /**
     * A key no other test or run uses, for stores that outlive the test.
     *
     * @param name the start of the key, for reading
     * @return {@code name}, a hyphen and a random UUID
     */
    protected static String fresh(String name) {
        return name + "-" + java.util.UUID.randomUUID();
    }

    // ---- the key is unknown: the call claims it and runs; the result is stored; a replay returns an equal copy ----

    @Test
    void stringResultRunsOnceAndReplaysEqual() {
        String id = fresh("s");
        String first = service.text(id, "hello");
        String second = service.text(id, "hello");
        assertThat(second).isEqualTo(first).isEqualTo("hello#1");
        assertThat(service.runs("text")).isEqualTo(1);
        assertThat(types()).containsExactly(IdempotencyEvent.Type.EXECUTED, IdempotencyEvent.Type.REPLAYED);
    }

    @Test
    void recordResultReplaysEqual() {
        TransferRequest req = new TransferRequest(fresh("r"), "alice", "bob", new BigDecimal("25.00"));
        Receipt first = service.transfer(req);
        Receipt second = service.transfer(new TransferRequest(req.requestId(), "alice", "bob", new BigDecimal("25.00")));
        assertThat(second).isEqualTo(first);
        assertThat(second.amount().scale()).isEqualTo(2);
        assertThat(service.runs("transfer")).isEqualTo(1);
    }

    @Test
    void listOfRecordsReplaysAsAnEqualCopy() {
        String id = fresh("l");
        List<Types.Line> first = service.lines(id);
        List<Types.Line> second = service.lines(id);
        assertThat(second).isEqualTo(first).isEqualTo(Types.lines(id)).isNotSameAs(first);
        first.clear();
        assertThat(service.lines(id)).isEqualTo(Types.lines(id));
        assertThat(service.runs("lines")).isEqualTo(1);
    }

    @Test
    void mapOfBigDecimalsKeepsScaleAndOrder() {
        String id = fresh("m");
        Map<String, BigDecimal> first = service.balances(id);
        Map<String, BigDecimal> second = service.balances(id);
        assertThat(second).isEqualTo(first);
        assertThat(new ArrayList<>(second.keySet())).containsExactly("EUR", "USD", "JPY");
        assertThat(second.get("EUR").scale()).isEqualTo(2);
        assertThat(second.get("USD")).isEqualTo(new BigDecimal("1E+3"));
        assertThat(service.runs("balances")).isEqualTo(1);
    }

    @Test
    void optionalReplaysPresentAndEmpty() {
        String present = fresh("o");
        String empty = fresh("o");
        assertThat(service.maybe(present, true)).contains("found-" + present);
        assertThat(service.maybe(present, true)).isEqualTo(Optional.of("found-" + present));
        assertThat(service.maybe(empty, false)).isEmpty();
        assertThat(service.maybe(empty, false)).isEqualTo(Optional.empty());
        assertThat(service.runs("maybe")).isEqualTo(2);
    }

    @Test
    void primitiveResultReplays() {
        String id = fresh("i");
        int first = service.count(id);
        int second = service.count(id);
        assertThat(first).isEqualTo(42);
        assertThat(second).isEqualTo(42);
        assertThat(service.runs("count")).isEqualTo(1);
    }

    @Test
    void voidMethodRunsOnce() {
        String id = fresh("v");
        service.touch(id);
        service.touch(id);
        service.touch(id);
        assertThat(service.runs("touch")).isEqualTo(1);
    }

    @Test
    void javaTimeReplaysToTheNanosecond() {
        String id = fresh("t");
        assertThat(service.stamp(id)).isEqualTo(service.stamp(id)).hasToString("2026-03-01T10:15:30.123456789Z");
        assertThat(service.runs("stamp")).isEqualTo(1);
    }

    @Test
    void completableFutureCompletesTheRecordWhenItCompletes() throws Exception {
        String id = fresh("f");
        service.gate = new CountDownLatch(1);
        CompletableFuture<Receipt> first = service.later(id);
        assertThatThrownBy(() -> service.later(id)).isInstanceOf(IdempotencyInProgressException.class);
        service.gate.countDown();
        Receipt value = first.get(10, TimeUnit.SECONDS);
        awaitEvent("the record completed", e -> e.type() == IdempotencyEvent.Type.EXECUTED && id.equals(e.key()));
        CompletableFuture<Receipt> replay = service.later(id);
        assertThat(replay).isCompleted();
        assertThat(replay.get()).isEqualTo(value);
        assertThat(service.runs("later")).isEqualTo(1);
    }

    @Test
    void theCallersFutureCompletesOnlyOnceTheRecordIsStored() throws Exception {
        String id = fresh("f-stored");
        CountDownLatch completing = new CountDownLatch(1);
        CountDownLatch letComplete = new CountDownLatch(1);
        store.beforeComplete = () -> {
            completing.countDown();
            try {
                letComplete.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        service.gate = new CountDownLatch(1);
        CompletableFuture<Receipt> first = service.later(id);
        service.gate.countDown(); // the body's own future completes on another thread now
        assertThat(completing.await(10, TimeUnit.SECONDS)).as("the body's future completed").isTrue();
        assertThat(first).as("not done while its record is being written").isNotDone();
        letComplete.countDown();
        Receipt value = first.get(10, TimeUnit.SECONDS);
        store.beforeComplete = null;
        // a caller that awaited the future and retries at once gets the replay, never 409
        CompletableFuture<Receipt> retry = service.later(id);
        assertThat(retry).isCompleted();
        assertThat(retry.get()).isEqualTo(value);
        assertThat(service.runs("later")).isEqualTo(1);
    }

    // ---- an application can prove that its methods are protected ----

    @Test
    void theRouteUnderTestProtectsTheServicesMethods() throws Exception {
        assertThat(Idempotency.isProtected(ConformanceService.class.getMethod("text", String.class, String.class)))
                .as("woven or instrumented").isTrue();
        assertThatThrownBy(() -> Idempotency.isProtected(ConformanceService.class.getMethod("totalRuns")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not annotated @Idempotent");
    }

    // ---- the runtime is replaced while calls run ----

    @Test
    void aCallRunningWhenTheRuntimeIsReplacedFinishesOnItsOwnRuntimeWhichClosesAfterwards() throws Exception {
        String id = fresh("replaced");
        service.gate = new CountDownLatch(1);
        Future<String> running = pool.submit(() -> service.slow(id));
        assertThat(service.entered.await(10, TimeUnit.SECONDS)).isTrue();
        ControllableStore next = new ControllableStore(new dev.idempotency.memory.MemoryStore(clock, 100));
        Idempotency.configure(IdempotencyConfig.builder().store(next).clock(clock).build());
        assertThat(store.closed).as("the old store stays open while a call runs on it").isFalse();
        service.gate.countDown();
        assertThat(running.get(10, TimeUnit.SECONDS)).isEqualTo("slow-" + id);
        assertThat(store.closing.await(10, TimeUnit.SECONDS)).as("the old store closed after its call").isTrue();
        assertThat(events).as("recorded by the runtime it started on")
                .anyMatch(e -> e.type() == IdempotencyEvent.Type.EXECUTED && id.equals(e.key()));
        assertThat(next.claims).hasValue(0);
    }

    // ---- transactions the store is not part of ----

    @Test
    void insideATransactionTheOutcomeIsRecordedOnlyOnceItCommits() throws Exception {
        String id = fresh("tx-commit");
        String result = dev.idempotency.core.IdempotencyTransaction.execute(() -> {
            String first = service.text(id, "v");
            // not committed yet: another caller must not replay a result that may still be rolled back
            assertThatThrownBy(() -> pool.submit(() -> service.text(id, "v")).get(10, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(IdempotencyInProgressException.class);
            return first;
        }, () -> { });
        assertThat(result).isEqualTo("v#1");
        assertThat(service.text(id, "v")).isEqualTo("v#1");
        assertThat(service.runs("text")).isEqualTo(1);
    }

    @Test
    void aTransactionWhoseWorkFailsGivesTheKeyUpSoARetryRuns() {
        String id = fresh("tx-rollback");
        assertThatThrownBy(() -> dev.idempotency.core.IdempotencyTransaction.execute(() -> {
            service.text(id, "v"); // ran, but the transaction's other work fails: it is rolled back
            throw new IllegalStateException("the ledger write failed");
        }, () -> { })).hasMessage("the ledger write failed");
        assertThat(service.text(id, "v")).as("the effect was rolled back: the retry runs").isEqualTo("v#2");
        assertThat(service.text(id, "v")).isEqualTo("v#2");
        assertThat(service.runs("text")).isEqualTo(2);
    }

    @Test
    void aCommitThatFailsIsNeitherReplayedNorRunAgain() {
        String id = fresh("tx-unknown");
        assertThatThrownBy(() -> dev.idempotency.core.IdempotencyTransaction.execute(() -> service.text(id, "v"), () -> {
            throw new java.sql.SQLException("connection lost during COMMIT");
        })).hasMessageContaining("COMMIT");
        assertThatThrownBy(() -> service.text(id, "v")).isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("could not tell");
        assertThat(service.runs("text")).isEqualTo(1);
        // no scope is left on the thread: the next call outside a transaction records at once
        String next = fresh("tx-after");
        service.text(next, "w");
        assertThat(service.text(next, "w")).isEqualTo("w#2");
    }

    // ---- exceptions ----

    @Test
    void anExceptionReleasesTheKeySoARetryRuns() {
        String id = fresh("e");
        service.nextFailure = new IllegalStateException("downstream timed out");
        assertThatThrownBy(() -> service.failing(id)).isInstanceOf(IllegalStateException.class)
                .hasMessage("downstream timed out");
        assertThat(service.failing(id)).isEqualTo("recovered");
        assertThat(service.failing(id)).isEqualTo("recovered");
        assertThat(service.runs("failing")).isEqualTo(2);
    }

    @Test
    void aRememberedExceptionIsRethrownOnReplay() {
        String id = fresh("x");
        assertThatThrownBy(() -> service.debit(id, 500, false))
                .isExactlyInstanceOf(InsufficientFundsException.class).hasMessage("cannot debit 500 from " + id);
        assertThatThrownBy(() -> service.debit(id, 500, false))
                .isExactlyInstanceOf(InsufficientFundsException.class).hasMessage("cannot debit 500 from " + id);
        assertThat(service.runs("debit")).isEqualTo(1);
    }

    @Test
    void aRememberedCheckedExceptionIsRethrownOnReplay() {
        String id = fresh("c");
        assertThatThrownBy(() -> service.debit(id, 1, true)).isExactlyInstanceOf(AccountClosedException.class);
        assertThatThrownBy(() -> service.debit(id, 1, true)).isExactlyInstanceOf(AccountClosedException.class)
                .hasMessage("account of " + id + " is closed");
        assertThat(service.runs("debit")).isEqualTo(1);
    }

    // ---- payloads ----

    @Test
    void aKeyReusedWithAnotherPayloadIsRefused() {
        String id = fresh("k");
        service.text(id, "first");
        assertThatThrownBy(() -> service.text(id, "second"))
                .isInstanceOf(IdempotencyKeyReuseException.class)
                .hasMessageContaining(id)
                .satisfies(e -> assertThat(((IdempotencyException) e).getKey()).isEqualTo(id))
                .satisfies(e -> assertThat(((IdempotencyException) e).getNamespace())
                        .endsWith("ConformanceService.text(java.lang.String,java.lang.String)"));
        assertThat(service.runs("text")).isEqualTo(1);
        assertThat(types()).contains(IdempotencyEvent.Type.KEY_REUSE);
    }

    @Test
    void aFingerprintExpressionComparesOnlyWhatItNames() {
        String id = fresh("p");
        service.payOnlyAmount(id, new TransferRequest("a", "x", "y", new BigDecimal("5")));
        assertThat(service.payOnlyAmount(id, new TransferRequest("b", "other", "other", new BigDecimal("5"))))
                .isEqualTo("paid-1");
        assertThatThrownBy(() -> service.payOnlyAmount(id, new TransferRequest("a", "x", "y", new BigDecimal("6"))))
                .isInstanceOf(IdempotencyKeyReuseException.class);
        assertThat(service.runs("payOnlyAmount")).isEqualTo(1);
    }

    @Test
    void overloadsKeepTheirOwnRecords() {
        String id = fresh("overload");
        assertThat(service.overloaded(id)).isEqualTo("one-arg-1");
        assertThat(service.overloaded(id, 7)).as("the other overload runs, never replays").isEqualTo(7);
        assertThat(service.overloaded(id)).isEqualTo("one-arg-1");
        assertThat(service.overloaded(id, 8)).isEqualTo(7);
        assertThat(service.runs("overloaded(String)")).isEqualTo(1);
        assertThat(service.runs("overloaded(String, int)")).isEqualTo(1);
    }

    @Test
    void fingerprintNoneReplaysWhateverThePayload() {
        String id = fresh("n");
        assertThat(service.anyPayload(id, "one")).isEqualTo("one-1");
        assertThat(service.anyPayload(id, "two")).isEqualTo("one-1");
        assertThat(service.runs("anyPayload")).isEqualTo(1);
    }

    @Test
    void recordsOfOneInterfaceWithEqualFieldsAreDifferentPayloads() {
        String id = fresh("cmd");
        assertThat(service.handle(id, new Types.Deposit(id, "acct", 100))).isEqualTo("deposit-1");
        assertThat(service.handle(id, new Types.Deposit(id, "acct", 100))).isEqualTo("deposit-1");
        assertThatThrownBy(() -> service.handle(id, new Types.Withdraw(id, "acct", 100)))
                .isInstanceOf(IdempotencyKeyReuseException.class);
        assertThat(service.runs("handle")).isEqualTo(1);
    }

    @Test
    void enumsOfTwoTypesWithTheSameConstantNameAreDifferentPayloads() {
        String id = fresh("rail");
        assertThat(service.route(id, Types.CardRail.INSTANT)).isEqualTo("CardRail.INSTANT-1");
        assertThat(service.route(id, Types.CardRail.INSTANT)).isEqualTo("CardRail.INSTANT-1");
        assertThatThrownBy(() -> service.route(id, Types.BankRail.INSTANT))
                .isInstanceOf(IdempotencyKeyReuseException.class);
        assertThat(service.runs("route")).isEqualTo(1);
    }

    @Test
    void aPayloadTypeWithoutReadableStateIsRefusedNeverFingerprintedEmpty() {
        BrokenService broken = new BrokenService();
        String id = fresh("opaque");
        assertThatThrownBy(() -> broken.payOpaque(id, new Types.Opaque("to-alice")))
                .isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("BrokenService.payOpaque(String, Types.Opaque)")
                .hasMessageContaining(Types.Opaque.class.getName()).hasMessageContaining("#to")
                .hasMessageContaining("fingerprint = \"none\"");
        assertThatThrownBy(() -> broken.payOpaque(id, new Types.Opaque("to-mallory")))
                .isInstanceOf(IdempotencyConfigurationException.class);
        assertThatThrownBy(() -> broken.payMoney(id, new Types.Money(BigDecimal.TEN, "EUR")))
                .isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("fingerprint = \"#money\"").hasMessageContaining(Types.Money.class.getName());
        assertThat(broken.runs).hasValue(0);
        assertThat(store.claims).hasValue(0);
    }

    @Test
    void aRuntimeSubtypeWithoutReadableStateIsRefusedBeforeTheBodyRuns() {
        String id = fresh("payee");
        assertThatThrownBy(() -> service.payTo(id, new Types.HiddenPayee("alice")))
                .isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("ConformanceService.payTo").hasMessageContaining(Types.HiddenPayee.class.getName());
        assertThat(store.claims).hasValue(0);
        assertThat(service.runs("payTo")).isZero();
        assertThat(service.payTo(id, new Types.NamedPayee("alice"))).isEqualTo("paid alice-1");
        assertThatThrownBy(() -> service.payTo(id, new Types.NamedPayee("mallory")))
                .isInstanceOf(IdempotencyKeyReuseException.class);
        assertThatThrownBy(() -> service.payTo(id, new Types.HiddenPayee("mallory")))
                .isInstanceOf(IdempotencyConfigurationException.class);
        assertThat(service.runs("payTo")).isEqualTo(1);
    }

    @Test
    void equalSetsInsideABeanAreTheSamePayloadWhateverTheirIterationOrder() {
        Set<String> small = new HashSet<>();
        Set<String> large = new HashSet<>(4096);
        for (int i = 0; i < 40; i++) {
            small.add("item-" + i);
            large.add("item-" + (39 - i));
        }
        assertThat(small).isEqualTo(large);
        assertThat(new ArrayList<>(small)).as("precondition: the two sets iterate differently")
                .isNotEqualTo(new ArrayList<>(large));
        String id = fresh("basket");
        assertThat(service.basket(id, new Types.Basket("alice", small))).isEqualTo("alice-1");
        assertThat(service.basket(id, new Types.Basket("alice", large))).isEqualTo("alice-1");
        Set<String> other = new HashSet<>(small);
        other.remove("item-7");
        assertThatThrownBy(() -> service.basket(id, new Types.Basket("alice", other)))
                .isInstanceOf(IdempotencyKeyReuseException.class);
        assertThat(service.runs("basket")).isEqualTo(1);
    }

    @Test
    void numericallyEqualAmountsAreTheSamePayload() {
        String id = fresh("amt");
        assertThat(service.payOnlyAmount(id, new TransferRequest("a", "x", "y", new BigDecimal("100.0"))))
                .isEqualTo("paid-1");
        assertThat(service.payOnlyAmount(id, new TransferRequest("a", "x", "y", new BigDecimal("100.00"))))
                .isEqualTo("paid-1");
        assertThat(service.payOnlyAmount(id, new TransferRequest("a", "x", "y", new BigDecimal("1E+2"))))
                .isEqualTo("paid-1");
        assertThatThrownBy(() -> service.payOnlyAmount(id, new TransferRequest("a", "x", "y", new BigDecimal("100.01"))))
                .isInstanceOf(IdempotencyKeyReuseException.class);
        String zero = fresh("zero");
        assertThat(service.payOnlyAmount(zero, new TransferRequest("a", "x", "y", new BigDecimal("0.00"))))
                .isEqualTo("paid-2");
        assertThat(service.payOnlyAmount(zero, new TransferRequest("a", "x", "y", new BigDecimal("0E+3"))))
                .isEqualTo("paid-2");
        assertThat(service.payOnlyAmount(zero, new TransferRequest("a", "x", "y", BigDecimal.ZERO)))
                .isEqualTo("paid-2");
        assertThat(service.runs("payOnlyAmount")).isEqualTo(2);
    }

    @Test
    void fingerprintTermsAreKeptApartNotConcatenated() {
        String id = fresh("pair");
        assertThat(service.pair(id, "1", "23")).isEqualTo("1|23-1");
        assertThat(service.pair(id, "1", "23")).isEqualTo("1|23-1");
        assertThatThrownBy(() -> service.pair(id, "12", "3")).isInstanceOf(IdempotencyKeyReuseException.class);
        assertThat(service.runs("pair")).isEqualTo(1);
    }

    @Test
    void aFingerprintTermWithoutItsOwnToStringIsComparedByItsState() {
        String id = fresh("op");
        assertThat(service.orderPayload(id, new Order("o-1", true, new Customer("c1", new Address("FR")), "web")))
                .isEqualTo("o-1-1");
        assertThat(service.orderPayload(id, new Order("o-1", true, new Customer("c1", new Address("FR")), "web")))
                .as("an equal order, built again, is an honest retry").isEqualTo("o-1-1");
        assertThatThrownBy(() -> service.orderPayload(id,
                new Order("o-1", true, new Customer("c1", new Address("DE")), "web")))
                .isInstanceOf(IdempotencyKeyReuseException.class);
        assertThat(service.runs("orderPayload")).isEqualTo(1);
    }

    // ---- keys ----

    @Test
    void propertyPathsReachGettersIsGettersRecordComponentsAndFields() {
        Order order = new Order(fresh("o"), true, new Customer("c1", new Address("FR")), "web");
        service.orderKey(order);
        service.orderKey(new Order(order.getOrderNo(), true, new Customer("other", new Address("FR")), "web"));
        assertThat(service.runs("orderKey")).isEqualTo(1);
        service.orderKey(new Order(order.getOrderNo(), false, new Customer("c1", new Address("FR")), "web"));
        service.orderKey(new Order(order.getOrderNo(), true, new Customer("c1", new Address("DE")), "web"));
        service.orderKey(new Order(order.getOrderNo(), true, new Customer("c1", new Address("FR")), "app"));
        assertThat(service.runs("orderKey")).isEqualTo(4);
    }

    @Test
    void nullBlankAndOverlongKeysAreRefusedBeforeTheBodyRuns() {
        assertThatThrownBy(() -> service.text(null, "v")).isInstanceOf(IdempotencyKeyException.class)
                .hasMessageContaining("#id").hasMessageContaining("null").hasMessageContaining("ConformanceService.text");
        assertThatThrownBy(() -> service.text("", "v")).isInstanceOf(IdempotencyKeyException.class)
                .hasMessageContaining("blank");
        assertThatThrownBy(() -> service.text("   ", "v")).isInstanceOf(IdempotencyKeyException.class);
        assertThatThrownBy(() -> service.text("k".repeat(256), "v")).isInstanceOf(IdempotencyKeyException.class)
                .hasMessageContaining("256 characters");
        Order noCustomer = new Order("o-1", false, null, "web");
        assertThatThrownBy(() -> service.orderKey(noCustomer)).isInstanceOf(IdempotencyKeyException.class)
                .hasMessageContaining("#order.customer.address.country is null");
        assertThat(service.totalRuns()).isZero();
        String longest = fresh("k");
        longest += "k".repeat(255 - longest.length()); // a fresh key: stores outlive a run, and payloads change
        assertThat(service.text(longest, "v")).isEqualTo("v#1");
    }

    @Test
    void malformedUnicodeAndControlCharactersInKeysAreRefusedBeforeAnyStoreCall() {
        String[][] refused = {
                {"order-\uD800", "\\uD800", "6"},
                {"order-\uDC00x", "\\uDC00", "6"},
                {"a\u0000b", "\\u0000", "1"},
                {"a\nb", "\\u000A", "1"},
                {"a\u007Fb", "\\u007F", "1"},
                {"a\u0085b", "\\u0085", "1"},
                {"tail\uD83D", "\\uD83D", "4"},
                {"a\tb", "\\u0009", "1"},
                {"a\u2028b", "\\u2028", "1"},
                {"pay-\u202Eeulav", "\\u202E", "4"},
                {"a\u200Bb", "\\u200B", "1"},
        };
        for (String[] bad : refused) {
            assertThatThrownBy(() -> service.text(bad[0], "v")).as("key %s", bad[1])
                    .isInstanceOf(IdempotencyKeyException.class)
                    .hasMessageContaining("ConformanceService.text").hasMessageContaining("#id")
                    .hasMessageContaining(bad[1]).hasMessageContaining("position " + bad[2])
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(bad[0])
                            .doesNotContainPattern("[\\p{Cc}\\p{Cs}\\p{Cf}\\p{Zl}]"))
                    .satisfies(e -> assertThat(((IdempotencyException) e).getKey())
                            .doesNotContainPattern("[\\p{Cc}\\p{Cs}\\p{Cf}\\p{Zl}]"));
        }
        assertThat(service.totalRuns()).isZero();
        assertThat(store.claims).as("no store call for a refused key").hasValue(0);
        assertThat(types()).isEmpty();
    }

    @Test
    void wellFormedUnicodeKeysWorkAndStayDistinct() {
        String base = fresh("order");
        String question = base + "-?";
        String emoji = base + "-\uD83D\uDCB3";
        String cjk = base + "-\u6CE8\u6587";
        String accented = base + "-\u00E9";
        assertThat(service.text(question, "q")).isEqualTo("q#1");
        assertThat(service.text(emoji, "e")).isEqualTo("e#2");
        assertThat(service.text(cjk, "c")).isEqualTo("c#3");
        assertThat(service.text(accented, "a")).isEqualTo("a#4");
        assertThat(service.text(question, "q")).isEqualTo("q#1");
        assertThat(service.text(emoji, "e")).isEqualTo("e#2");
        assertThat(service.text(cjk, "c")).isEqualTo("c#3");
        assertThat(service.text(accented, "a")).isEqualTo("a#4");
        assertThat(service.runs("text")).isEqualTo(4);
    }

    @Test
    void namespacesSeparateMethodsWithTheSameKey() {
        String id = fresh("ns");
        assertThat(service.sharedA(id)).isEqualTo("a-1");
        assertThat(service.separateB(id)).isEqualTo("b-1");
        assertThat(service.text(id, "x")).isEqualTo("x#1");
    }

    // ---- ttl ----

    @Test
    void aResultIsForgottenAfterItsTtl() {
        org.junit.jupiter.api.Assumptions.assumeTrue(storeUsesTestClock(), "the store keeps its own time");
        String id = fresh("ttl");
        assertThat(service.shortLived(id)).isEqualTo("short-1");
        clock.advance(Duration.ofMinutes(4));
        assertThat(service.shortLived(id)).isEqualTo("short-1");
        clock.advance(Duration.ofMinutes(2));
        assertThat(service.shortLived(id)).isEqualTo("short-2");
    }

    // ---- the key is in progress ----

    @Test
    void rejectRefusesASecondCallWhileTheFirstRuns() throws Exception {
        String id = fresh("rj");
        service.gate = new CountDownLatch(1);
        Future<String> first = pool.submit(() -> service.slow(id));
        assertThat(service.entered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> service.slow(id)).isInstanceOf(IdempotencyInProgressException.class)
                .hasMessageContaining(id);
        service.gate.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("slow-" + id);
        assertThat(service.slow(id)).isEqualTo("slow-" + id);
        assertThat(service.runs("slow")).isEqualTo(1);
    }

    @Test
    void waitReturnsTheFirstCallsResult() throws Exception {
        String id = fresh("w");
        service.gate = new CountDownLatch(1);
        Future<String> first = pool.submit(() -> service.slowWait(id));
        assertThat(service.entered.await(10, TimeUnit.SECONDS)).isTrue();
        Future<String> second = pool.submit(() -> service.slowWait(id));
        awaitEvent("the second call waits", e -> e.type() == IdempotencyEvent.Type.WAITING && id.equals(e.key()));
        assertThat(second).isNotDone();
        service.gate.countDown();
        assertThat(second.get(10, TimeUnit.SECONDS)).isEqualTo(first.get(10, TimeUnit.SECONDS));
        assertThat(service.runs("slowWait")).isEqualTo(1);
    }

    @Test
    void waitGivesUpWhenTheLeaseRunsOutFirst() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(storeUsesTestClock(), "the store keeps its own time");
        String id = fresh("wt");
        service.gate = new CountDownLatch(1);
        Future<String> first = pool.submit(() -> service.slowWait(id));
        assertThat(service.entered.await(10, TimeUnit.SECONDS)).isTrue();
        Future<String> waiter = pool.submit(() -> service.slowWait(id));
        awaitEvent("the second call waits", e -> e.type() == IdempotencyEvent.Type.WAITING && id.equals(e.key()));
        assertThat(waiter).isNotDone();
        // the holder is alive and keeps renewing while time passes beyond the waiter's patience (the lease, 30 s)
        java.util.concurrent.Semaphore renewed = new java.util.concurrent.Semaphore(0);
        store.beforeRenew = key -> renewed.release();
        for (int step = 1; step <= 4; step++) {
            clock.advance(Duration.ofSeconds(11));
            assertThat(renewed.tryAcquire(10, TimeUnit.SECONDS)).as("renewed after step %d", step).isTrue();
            renewed.drainPermits();
        }
        assertThatThrownBy(() -> waiter.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(IdempotencyInProgressException.class)
                .hasMessageContaining("did not finish within the lease");
        service.gate.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("waited-" + id);
        assertThat(service.runs("slowWait")).isEqualTo(1);
    }

    @Test
    void aRenewalThatHangsHoldsUpNoOtherClaimsRenewal() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(storeUsesTestClock(), "the store keeps its own time");
        String stuck = fresh("stuck");
        String healthy = fresh("healthy");
        CountDownLatch unblock = new CountDownLatch(1);
        java.util.Map<String, AtomicInteger> renewed = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.concurrent.Semaphore healthyRenewed = new java.util.concurrent.Semaphore(0);
        store.beforeRenew = key -> {
            renewed.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            if (key.equals(healthy)) {
                healthyRenewed.release();
            }
            if (key.equals(stuck)) {
                try {
                    unblock.await(20, TimeUnit.SECONDS); // a lock wait, a dead connection
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        service.gate = new CountDownLatch(1);
        service.entered = new CountDownLatch(2);
        Future<String> a = pool.submit(() -> service.slow(stuck));
        Future<String> b = pool.submit(() -> service.slow(healthy));
        assertThat(service.entered.await(10, TimeUnit.SECONDS)).as("both calls run").isTrue();
        for (int step = 1; step <= 3; step++) {
            clock.advance(Duration.ofSeconds(11));
            assertThat(healthyRenewed.tryAcquire(10, TimeUnit.SECONDS)).as("the healthy claim renewed after step %d",
                    step).isTrue();
        }
        assertThat(renewed.get(stuck)).as("the stuck renewal was tried once and is still running").hasValue(1);
        awaitEvent("the stuck renewal reported", e -> e.type() == IdempotencyEvent.Type.STORE_ERROR
                && stuck.equals(e.key()) && String.valueOf(e.error()).contains("taken longer"));
        // past the first lease: the healthy claim is still ours, so nobody else may run it
        assertThatThrownBy(() -> service.slow(healthy)).isInstanceOf(IdempotencyInProgressException.class);
        unblock.countDown();
        service.gate.countDown();
        assertThat(a.get(10, TimeUnit.SECONDS)).isEqualTo("slow-" + stuck);
        assertThat(b.get(10, TimeUnit.SECONDS)).isEqualTo("slow-" + healthy);
        assertThat(service.runs("slow")).isEqualTo(2);
    }

    @Test
    void thirtyTwoThreadsOnOneKeyRejectRunOnce() throws Exception {
        String id = fresh("c32");
        List<Object> outcomes = race(32, () -> service.text(id, "same"));
        assertThat(service.runs("text")).isEqualTo(1);
        for (Object o : outcomes) {
            if (o instanceof Throwable t) {
                assertThat(t).isInstanceOf(IdempotencyInProgressException.class);
            } else {
                assertThat(o).isEqualTo("same#1");
            }
        }
        assertThat(outcomes).contains("same#1");
    }

    @Test
    void thirtyTwoThreadsOnOneKeyWaitAllGetTheSameResult() throws Exception {
        String id = fresh("w32");
        service.gate = new CountDownLatch(1);
        java.util.function.Predicate<IdempotencyEvent> waits =
                e -> e.type() == IdempotencyEvent.Type.WAITING && id.equals(e.key());
        Future<Boolean> allWaiting = pool.submit(() -> {
            // the first call runs until the 31 others wait for it (told so by the store, or by their own runtime)
            try {
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                synchronized (events) {
                    while (events.stream().filter(waits).count() < 31) {
                        long left = end - System.nanoTime();
                        if (left <= 0) {
                            return false;
                        }
                        TimeUnit.NANOSECONDS.timedWait(events, left);
                    }
                }
                return true;
            } finally {
                service.gate.countDown();
            }
        });
        List<Object> outcomes = race(32, () -> service.slowWait(id));
        assertThat(allWaiting.get(10, TimeUnit.SECONDS)).as("all 31 others waited while the first call ran").isTrue();
        assertThat(outcomes).hasSize(32).allMatch(("waited-" + id)::equals);
        assertThat(service.runs("slowWait")).isEqualTo(1);
    }

    @Test
    void aClaimWhoseLeaseExpiredIsTakenOverAndItsHolderNeverOverwritesTheNewOwner() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(storeUsesTestClock(), "the store keeps its own time");
        String id = fresh("lost");
        store.freezeRenewals = true; // the holder's renewals stop reaching the store, as if it were cut off
        service.gate = new CountDownLatch(1);
        Future<String> holder = pool.submit(() -> service.firstBlocks(id));
        assertThat(service.entered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThatThrownBy(() -> service.firstBlocks(id)).isInstanceOf(IdempotencyInProgressException.class);
        clock.advance(Duration.ofSeconds(31));
        assertThat(service.firstBlocks(id)).as("the expired claim is taken over").isEqualTo("run-2");
        service.gate.countDown();
        assertThat(holder.get(10, TimeUnit.SECONDS)).as("the old holder's caller still gets its result")
                .isEqualTo("run-1");
        assertThat(types()).contains(IdempotencyEvent.Type.LEASE_LOST);
        assertThat(service.firstBlocks(id)).as("the new owner's record stands").isEqualTo("run-2");
        assertThat(service.runs("firstBlocks")).isEqualTo(2);
    }

    @Test
    void aLeaseShorterThanTheCallIsRenewedSoItNeverRunsTwice() throws Exception {
        // real time, for every store (a server keeps its own): the lease is 600 ms, renewed every 200 ms by the
        // runtime's own schedule; the call holds its key through six renewals, twice its lease, then finishes (a
        // 300 ms lease lapsed once on a two-core machine loaded tenfold, where a renewal waited that long for a core)
        ControllableStore realTime = new ControllableStore(newStore(Clock.systemUTC()));
        Idempotency.configure(IdempotencyConfig.builder().store(realTime).build());
        String id = fresh("renew");
        CountDownLatch renewals = new CountDownLatch(6);
        realTime.beforeRenew = key -> renewals.countDown();
        service.gate = new CountDownLatch(1);
        long start = System.nanoTime();
        Future<String> first = pool.submit(() -> service.shortLease(id));
        assertThat(service.entered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(renewals.await(10, TimeUnit.SECONDS)).as("renewed while it runs").isTrue();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("past the first lease")
                .isGreaterThan(Duration.ofMillis(600));
        assertThatThrownBy(() -> service.shortLease(id)).as("the claim is still held")
                .isInstanceOf(IdempotencyInProgressException.class);
        service.gate.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("held-" + id);
        assertThat(service.shortLease(id)).isEqualTo("held-" + id);
        assertThat(service.runs("shortLease")).isEqualTo(1);
    }

    // ---- the store fails or holds something foreign ----

    @Test
    void aStoreThatIsDownFailsClosed() {
        String id = fresh("down");
        store.down = true;
        assertThatThrownBy(() -> service.text(id, "v")).isInstanceOf(IdempotencyStoreException.class)
                .satisfies(e -> assertThat(((IdempotencyException) e).getKey()).isEqualTo(id));
        assertThat(service.runs("text")).isZero();
        assertThat(types()).contains(IdempotencyEvent.Type.STORE_ERROR);
        store.down = false;
        assertThat(service.text(id, "v")).isEqualTo("v#1");
    }

    @Test
    void failOpenRunsWithoutDeduplicationWhileTheStoreIsDown() {
        Idempotency.configure(IdempotencyConfig.builder().store(store).clock(clock).failOpen(true)
                .listener(this::record).build());
        String id = fresh("open");
        store.down = true;
        assertThat(service.text(id, "v")).isEqualTo("v#1");
        assertThat(service.text(id, "v")).as("no dedup while the store is down").isEqualTo("v#2");
        assertThat(types()).containsOnly(IdempotencyEvent.Type.STORE_ERROR);
        store.down = false;
        assertThat(service.text(id, "v")).isEqualTo("v#3");
        assertThat(service.text(id, "v")).as("dedup resumes with the store").isEqualTo("v#3");
    }

    @Test
    void aResultLargerThanMaxResultSizeIsNotStoredAndTheKeyNeverRunsAgain() {
        Idempotency.configure(IdempotencyConfig.builder().store(store).clock(clock).maxResultSize(1024)
                .listener(this::record).build());
        String id = fresh("big");
        String big = "\u00e9".repeat(600); // 1,200 bytes of UTF-8 in 600 characters
        assertThat(service.text(id, big)).isEqualTo(big + "#1");
        if (store.inProcess()) {
            // an in-process store keeps the (immutable) result as an object: nothing is encoded or measured
            assertThat(service.text(id, big)).isEqualTo(big + "#1");
        } else {
            assertThatThrownBy(() -> service.text(id, big)).isInstanceOf(IdempotencyConfigurationException.class)
                    .hasMessageContaining("maxResultSize (1024 bytes").hasMessageContaining(id);
        }
        assertThat(service.runs("text")).as("executed once, never again").isEqualTo(1);
        String small = fresh("small");
        assertThat(service.text(small, "fits")).isEqualTo("fits#2");
        assertThat(service.text(small, "fits")).isEqualTo("fits#2");
    }

    @Test
    void anOutcomeTheStoreCannotTakeYetIsKeptAndRecordedOnceItAnswers() throws Exception {
        String id = fresh("outage");
        CountDownLatch storeBack = new CountDownLatch(1);
        CountDownLatch refusedTwice = new CountDownLatch(2);
        store.beforeComplete = () -> {
            if (storeBack.getCount() > 0) {
                refusedTwice.countDown();
                throw new IdempotencyStoreException("the store restarts", null, id, null, true);
            }
        };
        assertThat(service.text(id, "v")).as("the caller gets its result at once").isEqualTo("v#1");
        assertThat(refusedTwice.await(10, TimeUnit.SECONDS)).as("retried, not given up").isTrue();
        // the claim is kept while the outcome waits: a retry is told "in progress", never runs it again
        assertThatThrownBy(() -> service.text(id, "v")).isInstanceOf(IdempotencyInProgressException.class);
        storeBack.countDown();
        awaitEvent("the outcome recorded", e -> e.type() == IdempotencyEvent.Type.EXECUTED && id.equals(e.key()));
        assertThat(service.text(id, "v")).isEqualTo("v#1");
        assertThat(service.runs("text")).isEqualTo(1);
    }

    @Test
    void failOpenNeverAppliesToAStoreThatAnsweredWrongly() {
        Idempotency.configure(IdempotencyConfig.builder().store(store).clock(clock).failOpen(true)
                .listener(this::record).build());
        String id = fresh("garbage");
        store.answersWrongly = true;
        assertThatThrownBy(() -> service.text(id, "v")).isInstanceOf(IdempotencyStoreException.class)
                .hasMessageContaining("garbage")
                .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable()).isFalse());
        assertThat(service.runs("text")).as("a store that answered is never bypassed").isZero();
        store.answersWrongly = false;
        assertThat(service.text(id, "v")).isEqualTo("v#1");
        assertThat(service.text(id, "v")).isEqualTo("v#1");
    }

    @Test
    void aTamperedRecordIsAnErrorNeverAnObject() {
        TransferRequest req = new TransferRequest(fresh("tamper"), "a", "b", BigDecimal.ONE);
        service.transfer(req);
        // a runtime that did not complete the key, as another process: nothing of it in its near cache
        Idempotency.configure(IdempotencyConfig.builder().store(store).clock(clock)
                .defaultLease(Duration.ofSeconds(30)).listener(this::record).build());
        // the stored body is replaced by a foreign one that names a class of its own choosing
        store.tamper = record -> StoredRecord.completed(record.fingerprint(),
                Outcome.value("{\"@class\":\"java.net.URL\",\"transferId\":1,\"unexpected\":true}"));
        assertThatThrownBy(() -> service.transfer(req))
                .isInstanceOf(IdempotencyStoreException.class).hasMessageContaining("does not decode")
                .hasMessageContaining(req.requestId());
        store.tamper = record -> StoredRecord.completed(record.fingerprint(),
                Outcome.exception("java.lang.ProcessBuilder", "{}"));
        assertThatThrownBy(() -> service.transfer(req))
                .isInstanceOf(IdempotencyStoreException.class).hasMessageContaining("does not decode");
        assertThat(service.runs("transfer")).isEqualTo(1);
        assertThat(types()).contains(IdempotencyEvent.Type.STORE_ERROR);
    }

    // ---- weaving reaches every method ----

    @Test
    void privateMethodsAndSelfCallsAreCovered() {
        String id = fresh("self");
        assertThat(service.viaSelfCall(id)).isEqualTo("private-1/private-1");
        assertThat(service.runs("privateTarget")).isEqualTo(1);
    }

    @Test
    void staticMethodsAreCovered() {
        String id = fresh("static");
        AtomicInteger counter = new AtomicInteger();
        assertThat(ConformanceService.staticMethod(id, counter)).isEqualTo("static-1");
        assertThat(ConformanceService.staticMethod(id, counter)).isEqualTo("static-1");
        assertThat(counter).hasValue(1);
    }

    // ---- bad annotations refuse to run, naming method and expression ----

    @Test
    void badAnnotationsRefuseToRunWithClearMessages() {
        BrokenService broken = new BrokenService();
        assertThatThrownBy(() -> broken.unknownParameter("1")).isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("BrokenService.unknownParameter(String)")
                .hasMessageContaining("#request.id").hasMessageContaining("#request is not a parameter")
                .hasMessageContaining("#id");
        assertThatThrownBy(() -> broken.unknownProperty("1")).isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("#id.lenght").hasMessageContaining("no property 'lenght'");
        assertThatThrownBy(() -> broken.methodCall("1")).isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("BrokenService.methodCall(String)").hasMessageContaining("toUpperCase");
        assertThatThrownBy(() -> broken.unclosedLiteral("1")).isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("not closed");
        assertThatThrownBy(() -> broken.badTtl("1")).isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("ttl = \"10 minutes\"")
                .hasMessageContaining("not a duration such as 10m, 30s or PT10M");
        assertThatThrownBy(() -> broken.untypedResult("1")).isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("unsupported return type java.lang.Object");
        assertThatThrownBy(() -> broken.keyWithoutToString(new BrokenService.Holder()))
                .isInstanceOf(IdempotencyConfigurationException.class).hasMessageContaining("toString()");
        // a second call gets the same answer, and no body ever ran
        assertThatThrownBy(() -> broken.unknownParameter("1")).isInstanceOf(IdempotencyConfigurationException.class);
        assertThat(broken.runs).hasValue(0);
    }

    // ---- helpers ----

    /**
     * The types of the events so far.
     *
     * @return the types of {@link #events}, in order
     */
    protected List<IdempotencyEvent.Type> types() {
        return events.stream().map(IdempotencyEvent::type).toList();
    }

    /**
     * Runs the call on n threads released together; returns each result or thrown exception.
     *
     * @param threads how many threads make the call at once
     * @param call    the call, made once on each thread
     * @return one entry per thread, in the order the threads were started: the call's result, or the exception it
     *         threw
     * @throws Exception if the threads do not all start within 10 s, or a call does not end within 30 s
     */
    protected List<Object> race(int threads, java.util.concurrent.Callable<?> call) throws Exception {
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<Object>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            futures.add(pool.submit(() -> {
                start.await(10, TimeUnit.SECONDS);
                try {
                    return call.call();
                } catch (Exception e) {
                    return e;
                }
            }));
        }
        List<Object> outcomes = new ArrayList<>();
        for (Future<Object> f : futures) {
            outcomes.add(f.get(30, TimeUnit.SECONDS));
        }
        return outcomes;
    }

    /**
     * The listener: keeps the event and wakes {@link #awaitEvent}. A subclass that overrides it calls it too.
     *
     * @param event an event of the runtime
     */
    protected void record(IdempotencyEvent event) {
        events.add(event);
        synchronized (events) {
            events.notifyAll();
        }
    }

    /**
     * Waits for a matching event, woken by the listener (never by polling); fails after 10 s.
     *
     * @param what  what is awaited, for the failure message
     * @param match which event ends the wait; events recorded before the call count too
     * @throws InterruptedException if the thread is interrupted while waiting
     * @throws AssertionError       if no such event is recorded within 10 s
     */
    protected void awaitEvent(String what, java.util.function.Predicate<IdempotencyEvent> match)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        synchronized (events) {
            while (events.stream().noneMatch(match)) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(what + ": no such event within 10 s; events: " + types());
                }
                TimeUnit.NANOSECONDS.timedWait(events, left);
            }
        }
    }
}

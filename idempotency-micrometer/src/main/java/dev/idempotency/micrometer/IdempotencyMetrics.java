package dev.idempotency.micrometer;

import dev.idempotency.core.IdempotencyEvent;
import dev.idempotency.core.IdempotencyListener;
import dev.idempotency.spi.IdempotencyStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Metrics of one idempotency runtime, for any Micrometer registry, with or without Spring:
 *
 * <ul>
 *   <li>{@value #CALLS}, a counter tagged {@code namespace} and {@code outcome}: {@code executed}, {@code replayed},
 *       {@code rejected}, {@code key_reuse}, {@code store_error}, {@code taken_over}, {@code lease_lost}, one per
 *       {@link IdempotencyEvent} (a {@code WAITING} call is counted by how its wait ends). A call that takes a claim
 *       over counts {@code taken_over} and then {@code executed}. A call refused for a bad key
 *       ({@code IdempotencyKeyException}) emits no event, so it is not counted.</li>
 *   <li>{@value #STORE}, a timer per store operation ({@code operation}: claim, complete, release, renew, read),
 *       made by a Micrometer {@code Observation} around each call of a store passed through {@link #instrument},
 *       so a tracing bridge sees the same spans.</li>
 *   <li>{@value #CLAIMS_HELD}, a gauge of the claims this JVM holds at the moment, through that store.</li>
 * </ul>
 *
 * <pre>{@code
 * IdempotencyMetrics metrics = new IdempotencyMetrics();
 * metrics.bindTo(registry);
 * Idempotency.configure(IdempotencyConfig.builder()
 *         .store(metrics.instrument(JdbcStore.builder(dataSource).build()))
 *         .listener(metrics)
 *         .build());
 * }</pre>
 *
 * <p>With the Spring Boot starter and Micrometer on the class path, the starter declares this binder itself (on
 * Boot's observation registry when there is one, see {@link #IdempotencyMetrics(ObservationRegistry)}) and
 * instruments the store; Boot binds it to its meter registry: nothing to write.
 *
 * <p>One instance serves one runtime and one registry (bind it to a composite registry to publish to several).
 * Events that arrive before {@link #bindTo} are not counted. Events and store calls may come from any thread; the
 * binder is thread-safe.
 */
public final class IdempotencyMetrics implements MeterBinder, IdempotencyListener {

    /** The counter of calls, tagged {@code namespace} and {@code outcome}. */
    public static final String CALLS = "idempotency.calls";
    /** The observation (and timer) of store operations, tagged {@code operation}. */
    public static final String STORE = "idempotency.store";
    /** The gauge of claims this JVM holds through instrumented stores. */
    public static final String CLAIMS_HELD = "idempotency.claims.held";

    private static final IdempotencyEvent.Type[] TYPES = IdempotencyEvent.Type.values();
    private static final String[] OUTCOMES = new String[TYPES.length];

    static {
        for (IdempotencyEvent.Type type : TYPES) {
            OUTCOMES[type.ordinal()] = type.name().toLowerCase(Locale.ROOT);
        }
    }

    private final ObservationRegistry givenObservations;
    private volatile ObservationRegistry observations = ObservationRegistry.NOOP;
    private volatile MeterRegistry registry;
    /** Counters by namespace, indexed by event type: found without building a meter id per call. */
    private final ConcurrentHashMap<String, Counter[]> counters = new ConcurrentHashMap<>();
    /** Owner tokens of the claims this JVM holds through an instrumented store. */
    final Set<String> held = ConcurrentHashMap.newKeySet();

    /** Store calls are timed through an observation registry of its own, which records into the bound registry. */
    public IdempotencyMetrics() {
        this.givenObservations = null;
    }

    /**
     * Store calls are observed through the application's observation registry (Spring Boot's, which times them into
     * its meter registry and hands them to tracing), not a registry of this binder's own.
     *
     * @param observations the application's observation registry; its handlers decide what becomes of store calls
     * @throws NullPointerException if {@code observations} is null
     */
    public IdempotencyMetrics(ObservationRegistry observations) {
        this.givenObservations = java.util.Objects.requireNonNull(observations, "observations");
        this.observations = observations;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        this.registry = registry;
        counters.clear();
        if (givenObservations == null) {
            ObservationRegistry own = ObservationRegistry.create();
            own.observationConfig().observationHandler(new DefaultMeterObservationHandler(registry));
            this.observations = own;
        }
        Gauge.builder(CLAIMS_HELD, held, Set::size)
                .description("Claims this JVM holds: calls of @Idempotent methods running now")
                .register(registry);
    }

    @Override
    public void onEvent(IdempotencyEvent event) {
        MeterRegistry r = registry;
        if (r == null || event.type() == IdempotencyEvent.Type.WAITING) {
            return;
        }
        Counter[] byType = counters.get(event.namespace());
        if (byType == null) {
            byType = counters.computeIfAbsent(event.namespace(), ns -> new Counter[TYPES.length]);
        }
        int i = event.type().ordinal();
        Counter counter = byType[i];
        if (counter == null) {
            counter = Counter.builder(CALLS)
                    .description("Calls of @Idempotent methods, by what happened to them")
                    .tag("namespace", event.namespace())
                    .tag("outcome", OUTCOMES[i])
                    .register(r);
            byType[i] = counter; // a race registers the same meter twice: the registry returns the one it has
        }
        counter.increment();
    }

    /**
     * The store, timed and observed per operation, and counted in {@value #CLAIMS_HELD}. Pass the result to the
     * runtime in place of the store. Results and exceptions of the store are passed through unchanged.
     *
     * @param store the store to wrap
     * @return a store that delegates to {@code store}; {@code store} itself if it is already instrumented by this
     *         binder
     * @throws NullPointerException if {@code store} is null
     */
    public IdempotencyStore instrument(IdempotencyStore store) {
        java.util.Objects.requireNonNull(store, "store");
        return store instanceof ObservedStore observed && observed.metrics == this ? store : new ObservedStore(store, this);
    }

    /**
     * The claims this JVM holds now through stores instrumented here; the value of the {@value #CLAIMS_HELD} gauge.
     *
     * @return the number of claims granted and not yet completed, released or lost
     */
    public int claimsHeld() {
        return held.size();
    }

    ObservationRegistry observations() {
        return observations;
    }
}

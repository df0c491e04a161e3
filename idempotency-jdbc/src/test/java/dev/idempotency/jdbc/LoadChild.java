package dev.idempotency.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.jdbc.fixtures.Ledger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One of the JVMs of {@link MultiProcessTest}: its threads each call every shared key once, in their own random
 * order, from a common start time. Prints {@code DONE calls=… errors=… digest=…}, the digest being over every
 * key's result, which must be the same in every JVM.
 *
 * <p>Arguments: database, JDBC URL, run id, key count, thread count, start time (epoch ms), JVM name.
 */
public final class LoadChild {

    private LoadChild() {
    }

    public static void main(String[] args) throws Exception {
        Database database = Database.valueOf(args[0]);
        String url = args[1];
        String runId = args[2];
        int keys = Integer.parseInt(args[3]);
        int threads = Integer.parseInt(args[4]);
        long startAt = Long.parseLong(args[5]);
        String jvm = args[6];
        try (HikariDataSource ds = new HikariDataSource()) {
            ds.setJdbcUrl(url);
            ds.setMaximumPoolSize(threads + 2);
            Idempotency.configure(IdempotencyConfig.builder().store(JdbcStore.builder(ds).database(database)
                    .table(Databases.DB_CLOCK_TABLE).createTable(true).purgeInterval(Duration.ZERO).build()).build());
            Ledger ledger = new Ledger(ds);
            Map<String, String> results = new ConcurrentHashMap<>();
            AtomicInteger calls = new AtomicInteger();
            AtomicInteger errors = new AtomicInteger();
            List<String> firstErrors = Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            Thread.sleep(Math.max(0, startAt - System.currentTimeMillis()));
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String executor = jvm + "-t" + t;
                long seed = (jvm + t).hashCode();
                done.add(pool.submit(() -> {
                    List<Integer> order = new ArrayList<>();
                    for (int i = 0; i < keys; i++) {
                        order.add(i);
                    }
                    Collections.shuffle(order, new Random(seed));
                    for (int i : order) {
                        String key = runId + ":" + i;
                        try {
                            String result = ledger.execute(runId, key, executor);
                            String previous = results.putIfAbsent(key, result);
                            if (previous != null && !previous.equals(result)) {
                                errors.incrementAndGet();
                                firstErrors.add("key " + key + " gave " + previous + " and " + result);
                            }
                        } catch (RuntimeException e) {
                            errors.incrementAndGet();
                            if (firstErrors.size() < 5) {
                                firstErrors.add(key + ": " + e);
                            }
                        }
                        calls.incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
            pool.shutdown();
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, String> e : new TreeMap<>(results).entrySet()) {
                digest.update((e.getKey() + "=" + e.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            for (String e : firstErrors) {
                System.out.println("ERROR " + e);
            }
            System.out.println("DONE calls=" + calls + " errors=" + errors + " keys=" + results.size() + " digest="
                    + HexFormat.of().formatHex(digest.digest()));
            Idempotency.reset();
        }
    }
}

package dev.idempotency.benchmarks;

import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.memory.MemoryStore;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one record costs the heap in the in-memory store, against the floor: the same calls' receipts kept in a
 * {@code ConcurrentHashMap} by request id (what the least an in-process store must keep: the key and the result).
 * Fills each with {@code N} first executions of the benchmarks' woven {@code TransferService.transfer}, collects
 * garbage, and divides the heap's growth by {@code N}; a first round of 100,000, not counted, loads and compiles what
 * both need. Below about 10,000 records the growth is within the collector's noise.
 *
 * <pre>java -Xmx3g -cp benchmarks/target/benchmarks.jar dev.idempotency.benchmarks.RetainedBytes [N...]</pre>
 */
public final class RetainedBytes {

    private RetainedBytes() {
    }

    public static void main(String[] args) throws InterruptedException {
        int[] sizes = args.length == 0 ? new int[] {10_000, 100_000, 1_000_000} : parse(args);
        storeBytes(100_000); // a round not counted: classes, plans and compiled code, whose memory is not a record's
        floorBytes(100_000);
        System.out.println("| live records | memory store, bytes per record | floor (ConcurrentHashMap of receipts)"
                + ", bytes per record | ratio |");
        System.out.println("| ---: | ---: | ---: | ---: |");
        for (int n : sizes) {
            long store = storeBytes(n);
            long floor = floorBytes(n);
            System.out.printf("| %,d | %,d | %,d | %.2f |%n", n, store / n, floor / n, (double) store / floor);
        }
    }

    private static long storeBytes(int n) throws InterruptedException {
        TransferService service = new TransferService();
        // the plan compiled and a runtime running, outside the count, on a store too small to weigh when it goes
        Idempotency.configure(IdempotencyConfig.builder().store(new MemoryStore(Clock.systemUTC(), 16)).build());
        service.transfer(IdempotentCallBenchmark.request("warm-up"));
        long before = used();
        MemoryStore store = new MemoryStore(Clock.systemUTC(), n);
        Idempotency.configure(IdempotencyConfig.builder().store(store).build());
        for (int i = 0; i < n; i++) {
            service.transfer(IdempotentCallBenchmark.request("req-" + i));
        }
        store.cleanUp();
        long after = used();
        if (service.executions() != n + 1 || store.size() != n) {
            throw new IllegalStateException("ran " + service.executions() + " times, holds " + store.size()
                    + " records, for " + n + " keys");
        }
        Idempotency.reset();
        return after - before;
    }

    private static long floorBytes(int n) throws InterruptedException {
        TransferService service = new TransferService();
        long before = used();
        ConcurrentHashMap<String, Receipt> map = new ConcurrentHashMap<>();
        for (int i = 0; i < n; i++) {
            TransferRequest request = IdempotentCallBenchmark.request("req-" + i);
            map.put(request.requestId(), service.transferPlain(request));
        }
        long after = used();
        if (map.size() != n) {
            throw new IllegalStateException("the map holds " + map.size());
        }
        return after - before;
    }

    private static long used() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long last = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            long now = memory.getHeapMemoryUsage().getUsed();
            if (Math.abs(now - last) < 64 * 1024) {
                return now;
            }
            last = now;
        }
        return last;
    }

    private static int[] parse(String[] args) {
        int[] sizes = new int[args.length];
        for (int i = 0; i < args.length; i++) {
            sizes[i] = Integer.parseInt(args[i].replace("_", "").replace(",", ""));
        }
        return sizes;
    }
}

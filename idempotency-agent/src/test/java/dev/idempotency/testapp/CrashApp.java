package dev.idempotency.testapp;

import dev.idempotency.IdempotencyInProgressException;
import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.Idempotent;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The agent route's retrying client for {@code CrashAgentIT}, an application that compiled against idempotency-api
 * alone: the agent instruments {@link #pay} and reads the store and the lease from {@code -Didempotency.store} and
 * {@code -Didempotency.lease} (the first two arguments are only echoed). Otherwise as the woven client of the Redis
 * module's crash test: every thread goes through every key (each JVM from its own offset), and retries a call on {@link IdempotencyStoreException} (503) and
 * {@link IdempotencyInProgressException} (409) with a short pause until it returns, as an HTTP client would. Each run
 * of the body appends its key to the executions file before it returns, so the parent counts runs across JVMs.
 *
 * <pre>
 * CrashApp &lt;storeUri&gt; &lt;lease&gt; &lt;jvmId&gt; &lt;jvmIndex&gt; &lt;jvms&gt; &lt;keys&gt; &lt;threads&gt; &lt;bodyMillis&gt;
 *     &lt;goFile&gt; &lt;executionsFile&gt; &lt;resultsFile&gt;
 * </pre>
 * It prints {@code READY} when warmed up, {@code FINISHED} when every key has returned, and then, once the parent
 * creates {@code <goFile>.stop}, {@code DONE calls=… storeErrors=… inProgress=…}: until then it keeps
 * its runtime, so outcomes still waiting for the store are not lost with the process.
 */
public final class CrashApp {

    private final String jvm;
    private final long bodyMillis;
    private final FileOutputStream executions;

    CrashApp(String jvm, long bodyMillis, FileOutputStream executions) {
        this.jvm = jvm;
        this.bodyMillis = bodyMillis;
        this.executions = executions;
    }

    @Idempotent(key = "#key", namespace = "crash.pay")
    public String pay(String key) throws IOException, InterruptedException {
        synchronized (executions) {
            executions.write((key + "\n").getBytes(StandardCharsets.UTF_8)); // unbuffered: in the file on return
        }
        Thread.sleep(bodyMillis);
        return jvm + ":" + key;
    }

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        String jvm = args[2];
        int index = Integer.parseInt(args[3]);
        int jvms = Integer.parseInt(args[4]);
        int keys = Integer.parseInt(args[5]);
        int threads = Integer.parseInt(args[6]);
        long bodyMillis = Long.parseLong(args[7]);
        Path go = Path.of(args[8]);
        try (FileOutputStream executions = new FileOutputStream(args[9], true)) {
            CrashApp client = new CrashApp(jvm, bodyMillis, executions);
            client.pay("warm-up-" + jvm);
            out.println("READY");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            while (!Files.exists(go)) {
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("no go signal within 90 s");
                }
                Thread.sleep(5);
            }
            ConcurrentLinkedQueue<String> results = new ConcurrentLinkedQueue<>();
            AtomicInteger calls = new AtomicInteger();
            AtomicInteger storeErrors = new AtomicInteger();
            AtomicInteger inProgress = new AtomicInteger();
            ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(100);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            for (int t = 0; t < threads; t++) {
                int thread = t;
                pool.submit(() -> {
                    // each JVM starts a third of the way further on, so most keys meet a replay, some a race
                    int offset = keys * index / jvms;
                    for (int i = thread; i < keys; i += threads) {
                        String key = "k-" + ((offset + i) % keys);
                        while (true) {
                            if (System.nanoTime() > deadline) {
                                unexpected.add(key + " still failing at the deadline");
                                return;
                            }
                            try {
                                calls.incrementAndGet();
                                results.add(key + " " + client.pay(key));
                                break;
                            } catch (IdempotencyStoreException e) {
                                storeErrors.incrementAndGet();
                            } catch (IdempotencyInProgressException e) {
                                inProgress.incrementAndGet();
                            } catch (Throwable e) {
                                unexpected.add(key + " " + e);
                                break;
                            }
                            try {
                                Thread.sleep(20);
                            } catch (InterruptedException e) {
                                return;
                            }
                        }
                    }
                });
            }
            pool.shutdown();
            if (!pool.awaitTermination(110, TimeUnit.SECONDS)) {
                throw new IllegalStateException("calls did not finish within 110 s");
            }
            List<String> lines = new ArrayList<>(results);
            Files.write(Path.of(args[10]), lines, StandardCharsets.UTF_8);
            unexpected.forEach(u -> out.println("UNEXPECTED " + u));
            out.println("FINISHED");
            // stay up, with the runtime and its pending completions, until the parent has seen every record completed
            Path stop = Path.of(go + ".stop");
            for (long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60); !Files.exists(stop)
                    && System.nanoTime() < end; ) {
                Thread.sleep(20);
            }
            out.println("DONE calls=" + calls + " storeErrors=" + storeErrors + " inProgress=" + inProgress
                    + " storeErrorEvents=-1 unexpected=" + unexpected.size());
        }
        System.exit(0);
    }
}

package dev.idempotency.spring.boot.autoconfigure;

import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.spi.IdempotencyStore;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.springframework.beans.factory.DisposableBean;

/**
 * Makes the context's configuration the process-wide runtime, which the advisor, the aspect's woven code and the
 * agent all reach, so that every route agrees on one store; closes it (and its store) with the context. One
 * application context per JVM owns it: a second context started in the same JVM replaces the first one's runtime.
 *
 * <p>Once installed, the store is read once in the background, so that its first contact with the server (for the
 * database store: a pooled connection that checks or creates the table) is made before the first calls rather than
 * by them. Made by the first calls, inside their transactions, it would take a second pooled connection per call:
 * with as many concurrent first calls as the pool has connections, each would hold one and wait for another until
 * the pool's timeout. A failure here is only logged: the store is built to start while its server is down.
 */
public final class ProcessRuntimeInstallation implements DisposableBean {

    private static final Log LOG = LogFactory.getLog("dev.idempotency");

    private final IdempotencyConfig config;

    ProcessRuntimeInstallation(IdempotencyConfig config) {
        this.config = config;
        Idempotency.configure(config);
        IdempotencyStore store = Idempotency.runtime().store();
        Thread contact = new Thread(() -> firstContact(store), "idempotency-first-contact");
        contact.setDaemon(true);
        contact.start();
    }

    private static void firstContact(IdempotencyStore store) {
        try {
            store.read(StoreProbe.PROBE_NAMESPACE, StoreProbe.PROBE_KEY);
        } catch (RuntimeException e) {
            LOG.warn("idempotency: the store " + store.describe() + " cannot be reached yet (" + e.getMessage()
                    + "); calls are refused until it answers");
        }
    }

    /**
     * The configuration installed.
     *
     * @return the configuration the process-wide runtime was made from
     */
    public IdempotencyConfig config() {
        return config;
    }

    @Override
    public void destroy() {
        Idempotency.reset();
    }
}

package dev.idempotency.core;

/**
 * Observes calls, e.g. to count them in metrics. Called on the calling thread (or, for a completion stage, the
 * thread that completes it, or one of the runtime's own threads for lease renewals and retried completions); keep it
 * fast, and thread-safe. An
 * exception thrown by a listener is logged and otherwise ignored.
 *
 * <pre>{@code
 * IdempotencyConfig.builder()
 *         .listener(event -> {
 *             if (event.type() == IdempotencyEvent.Type.STORE_ERROR) {
 *                 log.warn("store failed for {} key {}", event.namespace(), event.key(), event.error());
 *             }
 *         })
 *         .build();
 * }</pre>
 */
@FunctionalInterface
public interface IdempotencyListener {
    /**
     * Receives one event.
     *
     * @param event what happened; never {@code null}
     */
    void onEvent(IdempotencyEvent event);
}

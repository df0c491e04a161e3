package dev.idempotency.core;

/**
 * Observes calls, e.g. to count them in metrics. Called on the calling thread (or, for a completion stage, the
 * thread that completes it); keep it fast. An exception thrown by a listener is logged and otherwise ignored.
 */
@FunctionalInterface
public interface IdempotencyListener {
    void onEvent(IdempotencyEvent event);
}

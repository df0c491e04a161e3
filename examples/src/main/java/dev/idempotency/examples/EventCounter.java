package dev.idempotency.examples;

import dev.idempotency.core.IdempotencyEvent;
import dev.idempotency.core.IdempotencyListener;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the library's events by type, as a metrics listener would. */
public final class EventCounter implements IdempotencyListener {

    private final Map<IdempotencyEvent.Type, AtomicInteger> counts = new EnumMap<>(IdempotencyEvent.Type.class);

    public EventCounter() {
        for (IdempotencyEvent.Type type : IdempotencyEvent.Type.values()) {
            counts.put(type, new AtomicInteger());
        }
    }

    @Override
    public void onEvent(IdempotencyEvent event) {
        counts.get(event.type()).incrementAndGet();
    }

    public int count(IdempotencyEvent.Type type) {
        return counts.get(type).get();
    }
}

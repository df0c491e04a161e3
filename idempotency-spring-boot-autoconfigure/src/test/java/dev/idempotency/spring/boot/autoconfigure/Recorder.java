package dev.idempotency.spring.boot.autoconfigure;

import dev.idempotency.core.IdempotencyEvent;
import dev.idempotency.core.IdempotencyListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Collects the runtime's events, as an application's listener bean would. */
public class Recorder implements IdempotencyListener {

    public final List<IdempotencyEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(IdempotencyEvent event) {
        events.add(event);
    }

    public List<IdempotencyEvent.Type> types() {
        return events.stream().map(IdempotencyEvent::type).toList();
    }
}

package dev.idempotency.spring.boot.autoconfigure;

import dev.idempotency.Idempotent;

/** Annotated methods that no proxy reaches. */
public class Unreachable {

    @Idempotent(key = "#id")
    public final String sealed(String id) {
        return id;
    }

    @Idempotent(key = "#id")
    private String hidden(String id) {
        return id;
    }

    public String callHidden(String id) {
        return hidden(id);
    }

    /** A final class: no subclass proxy at all. */
    public static final class Final {
        @Idempotent(key = "#id")
        public String pay(String id) {
            return id;
        }
    }
}

package dev.idempotency.testapp;

import dev.idempotency.Idempotent;

/** Its constant pool holds the name the aspect route's woven classes hold; the agent must leave it alone. */
public class NamesTheAspect {

    static final String ASPECT = "dev/idempotency/aspect/IdempotentAspect";

    @Idempotent(key = "#id")
    public String run(String id) {
        return id;
    }
}

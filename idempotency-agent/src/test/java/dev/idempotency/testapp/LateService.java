package dev.idempotency.testapp;

import dev.idempotency.Idempotent;
import java.util.function.Function;

/** Loaded by the in-process tests through a loader of their own, after the agent is installed. */
public class LateService implements Function<String, String> {

    private int runs;

    @Override
    @Idempotent(key = "#id", fingerprint = "none")
    public String apply(String id) {
        runs++;
        return "late-" + runs;
    }
}

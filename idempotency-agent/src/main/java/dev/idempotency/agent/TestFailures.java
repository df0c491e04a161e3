package dev.idempotency.agent;

/**
 * FOR THE AGENT'S OWN TESTS ONLY: {@code -Didempotency.agent.test.fail=<point>} makes the agent fail at that point,
 * so that the tests can show that every failure leaves {@code @Idempotent} methods refusing to run, never running
 * unprotected. Not a setting: nothing but those tests has a reason to set it. The points:
 * <ul>
 *   <li>{@code start}: at the start of {@code premain}, before the configuration is read;</li>
 *   <li>{@code engine}: while the configuration is checked (as when the runtime could not be configured);</li>
 *   <li>{@code transformer}: after the configuration, before the weaving transformer takes over;</li>
 *   <li>{@code started}: after the weaving transformer took over, before {@code premain} returns;</li>
 *   <li>{@code weave}: in the weaver, for every class it weaves;</li>
 *   <li>{@code inline}: in {@link InlineAdvice}, which then leaves every class to Byte Buddy (not a failure: the
 *       classes are still instrumented, the other way).</li>
 * </ul>
 */
final class TestFailures {

    static final String PROPERTY = "idempotency.agent.test.fail";
    static final String START = "start";
    static final String ENGINE = "engine";
    static final String TRANSFORMER = "transformer";
    static final String STARTED = "started";
    static final String WEAVE = "weave";
    static final String INLINE = "inline";

    private TestFailures() {
    }

    /** Whether the property names this point. */
    static boolean injected(String point) {
        return point.equals(System.getProperty(PROPERTY));
    }

    /** Throws an {@link Error} (as a broken jar or a linkage problem would) when the property names this point. */
    static void at(String point) {
        if (injected(point)) {
            throw new Error("failure injected at '" + point + "' by -D" + PROPERTY + " (for the agent's tests only)");
        }
    }
}

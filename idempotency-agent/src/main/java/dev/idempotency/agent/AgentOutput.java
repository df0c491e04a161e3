package dev.idempotency.agent;

/** The agent's few lines on stderr, all with one prefix so that they are easy to find in an application's log. */
final class AgentOutput {

    static final String PREFIX = "[idempotency-agent] ";

    private AgentOutput() {
    }

    static void line(String message) {
        System.err.println(PREFIX + message);
    }

    static void error(String message) {
        System.err.println(PREFIX + "ERROR " + message);
    }
}

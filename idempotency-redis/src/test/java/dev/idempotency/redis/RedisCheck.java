package dev.idempotency.redis;

import dev.idempotency.testkit.redis.Resp;
import java.io.File;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Checks what {@link RequiresRedis} asks for, once per test class: the class is skipped (reported with the reason)
 * when something is missing, or fails under {@code CI=true}.
 */
final class RedisCheck implements ExecutionCondition {

    static final String HOST = "127.0.0.1";
    static final int PORT = 6379;

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (context.getTestMethod().isPresent()) {
            return ConditionEvaluationResult.enabled("decided for the class");
        }
        RequiresRedis requires = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), RequiresRedis.class)
                .orElse(null);
        boolean servers = requires != null && requires.servers();
        String missing = null;
        if (!answersPing(HOST, PORT)) {
            missing = "no Redis answers at " + HOST + ":" + PORT
                    + "; start one with: redis-server --port 6379 --save \"\" --appendonly no";
        } else if (servers && (!onPath("redis-server") || !onPath("redis-cli"))) {
            missing = "redis-server and redis-cli (Redis 7) are not on the PATH; this test starts its own servers"
                    + " on loopback ports: install Redis 7 (e.g. apt-get install redis-server)";
        } else if (requires != null) {
            for (String program : requires.programs()) {
                if (!onPath(program)) {
                    missing = program + " is not on the PATH; this test needs it";
                }
            }
        }
        if (missing == null) {
            return ConditionEvaluationResult.enabled("Redis is there");
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("CI=true, but " + missing);
        }
        return ConditionEvaluationResult.disabled("skipped: " + missing);
    }

    static boolean answersPing(String host, int port) {
        return Resp.answersPing(host, port, false);
    }

    static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (new File(dir, program).canExecute()) {
                return true;
            }
        }
        return false;
    }
}

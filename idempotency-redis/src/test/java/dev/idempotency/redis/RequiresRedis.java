package dev.idempotency.redis;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A test class that needs Redis at 127.0.0.1:6379, and with {@link #servers()} also {@code redis-server} and
 * {@code redis-cli} on the PATH to start servers of its own. Without them the class is skipped, with a message that
 * says what to start; under {@code CI=true} it fails instead.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(RedisCheck.class)
@interface RequiresRedis {
    boolean servers() default false;

    /** Further programs the test runs, e.g. {@code openssl}. */
    String[] programs() default {};
}

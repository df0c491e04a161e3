package dev.idempotency.internal;

/**
 * The library's logger, made when something is first logged: {@code System.getLogger} sets up the JDK's logging
 * (about 300 classes, with {@code java.util.logging}'s {@code LogManager}), which a process that has nothing to log
 * should not pay for at start-up or at its first {@code @Idempotent} call. Referring to {@link #LOGGER} is what
 * initializes this class, so keep nothing else here.
 */
public final class Log {

    public static final System.Logger LOGGER = System.getLogger("dev.idempotency");

    private Log() {
    }
}

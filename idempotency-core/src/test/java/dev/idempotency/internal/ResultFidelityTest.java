package dev.idempotency.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.spi.Outcome;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A stored record never makes the JVM load a class of its choice, and a replay returns what the first caller got. */
class ResultFidelityTest {

    static volatile boolean boomInitialised;
    static volatile boolean boom2Initialised;

    public static final class Boom {
        static {
            boomInitialised = true; // stands for any class with side effects in <clinit> on the classpath
        }
    }

    public static final class Boom2 {
        static {
            boom2Initialised = true;
        }
    }

    /** A result that names a handler class (plugin registries, job descriptors, …). */
    public record Route(String id, Class<?> handler) {
    }

    public static class Declined extends RuntimeException {
        private static final long serialVersionUID = 1L;
        public Class<?> origin;

        public Declined() {
        }

        public Declined(String message) {
            super(message);
        }
    }

    public record Receipt(String id, Object amount) {
    }

    public record Box(@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS) Comparable<?> value) {
    }

    @Test
    void aClassTypedPropertyIsRefusedAtPlanTimeAndNeverInitialisesTheNamedClass() throws Exception {
        assertThatThrownBy(() -> ResultCodec.forType(Route.class, "test", "ns"))
                .isInstanceOf(IdempotencyConfigurationException.class).hasMessageContaining("'handler'")
                .hasMessageContaining("Class");
        // and even past the plan, the results mapper never loads a named class
        String body = "{\"id\":\"r\",\"handler\":\"" + Boom.class.getName() + "\"}";
        assertThatThrownBy(() -> Json.RESULTS.readerFor(Route.class).readValue(body))
                .hasMessageContaining("may not name a class");
        assertThat(boomInitialised).as("a stored record made the JVM initialise a class of its choice").isFalse();
    }

    @Test
    void aRememberedExceptionsClassPropertyNeverInitialisesTheNamedClass() throws Exception {
        @SuppressWarnings("unchecked")
        Class<? extends Throwable>[] remembered = new Class[] {Declined.class};
        String body = "{\"message\":\"no\",\"origin\":\"" + Boom2.class.getName() + "\"}";
        try {
            ResultCodec.decodeException(Declined.class.getName(), body, remembered, getClass().getClassLoader());
        } catch (Exception refused) {
            // fine
        }
        assertThat(boom2Initialised).isFalse();
    }

    @Test
    void anObjectTypedComponentIsRefusedAtPlanTime() throws Exception {
        // the first caller would see 12345678901234567.89 (a BigDecimal), a replay the Double 1.2345678901234568E16
        assertThatThrownBy(() -> ResultCodec.forType(Receipt.class, "test", "ns"))
                .isInstanceOf(IdempotencyConfigurationException.class).hasMessageContaining("'amount'")
                .hasMessageContaining("typed Object");
    }

    @Test
    void classNamesUnderAJdkInterfaceAreRefusedAtPlanTime() throws Exception {
        // accepted, the method would run and store its result, and every replay would fail as a "tampered" record
        assertThatThrownBy(() -> ResultCodec.forType(Box.class, "test", "ns"))
                .isInstanceOf(IdempotencyConfigurationException.class).hasMessageContaining("java.lang.Comparable");
    }

    @Test
    void objectAndRawMapsAreRefusedAtPlanTime() {
        assertThatThrownBy(() -> ResultCodec.forType(Object.class, "t", "ns"))
                .isInstanceOf(IdempotencyConfigurationException.class);
        assertThatThrownBy(() -> ResultCodec.forType(
                        Receipt.class.getDeclaredField("amount").getGenericType(), "t", "ns"))
                .isInstanceOf(IdempotencyConfigurationException.class);
        assertThatThrownBy(() -> ResultCodec.forType(Map.class, "t", "ns"))
                .isInstanceOf(IdempotencyConfigurationException.class);
    }

    @Test
    void foreignExceptionNamesAreNotInstantiated() throws Exception {
        @SuppressWarnings("unchecked")
        Class<? extends Throwable>[] remembered = new Class[] {Declined.class};
        assertThatThrownBy(() -> ResultCodec.decodeException("java.lang.IllegalStateException", "{}", remembered,
                getClass().getClassLoader())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not one of");
    }
}

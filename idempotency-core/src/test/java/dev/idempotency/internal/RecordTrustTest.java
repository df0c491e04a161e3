package dev.idempotency.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.Idempotent;
import java.lang.reflect.Method;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A stored record is data from outside the JVM: it may never choose a class the method did not declare, and never
 * cause a class to be initialised before it is checked.
 */
class RecordTrustTest {

    /** Counted outside the classes themselves: reading a static field of theirs would initialise them. */
    static final AtomicInteger BYSTANDER_INITIALISED = new AtomicInteger();
    static final AtomicInteger UNRELATED_INITIALISED = new AtomicInteger();

    /** The application asked for class names in the data, on its own base type. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
    public interface Shape {
    }

    public record Circle(int radius) implements Shape {
    }

    public record Square(int side) implements Shape {
    }

    public record Drawing(String name, Shape shape) {
    }

    /** Not a Shape; its static initialiser counts how often it was initialised. */
    public static final class Bystander {
        static {
            BYSTANDER_INITIALISED.incrementAndGet();
        }

        public int radius;
    }

    public static class Declined extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Declined(String message) {
            super(message);
        }
    }

    public static final class Unrelated extends RuntimeException {
        private static final long serialVersionUID = 1L;

        static {
            UNRELATED_INITIALISED.incrementAndGet();
        }
    }

    @Idempotent(key = "#id")
    public Drawing draw(String id) {
        return null;
    }

    @Idempotent(key = "#id", rememberExceptions = Exception.class)
    public String tooBroad(String id) {
        return id;
    }

    @Idempotent(key = "#id", rememberExceptions = RuntimeException.class)
    public String tooBroadToo(String id) {
        return id;
    }

    @Idempotent(key = "#id", rememberExceptions = java.io.IOException.class)
    public String transientIo(String id) {
        return id;
    }

    @Idempotent(key = "#id", rememberExceptions = java.net.SocketTimeoutException.class)
    public String transientTimeout(String id) {
        return id;
    }

    @Idempotent(key = "#id", rememberExceptions = Declined.class)
    public String declines(String id) {
        return id;
    }

    private static MethodPlan plan(String name) throws NoSuchMethodException {
        for (Method m : RecordTrustTest.class.getDeclaredMethods()) {
            if (m.getName().equals(name)) {
                return MethodPlan.compile(m);
            }
        }
        throw new NoSuchMethodException(name);
    }

    @Test
    void aPolymorphicResultRoundTripsThroughItsDeclaredSubtypes() throws Exception {
        ResultCodec codec = plan("draw").codec;
        Drawing drawing = new Drawing("d", new Circle(3));
        String body = codec.encode(drawing).body();
        assertThat(body).contains(Circle.class.getName());
        assertThat(codec.decode(body)).isEqualTo(drawing);
    }

    @Test
    void aRecordNamingAClassOutsideTheDeclaredBaseTypeIsRefusedBeforeTheClassIsInitialised() throws Exception {
        ResultCodec codec = plan("draw").codec;
        for (String foreign : new String[] {Bystander.class.getName(), "java.net.URL", "java.lang.ProcessBuilder",
                "[Ljava.lang.String;", "no.such.Type"}) {
            String body = "{\"name\":\"d\",\"shape\":{\"@class\":\"" + foreign + "\",\"radius\":3}}";
            assertThatThrownBy(() -> codec.decode(body)).as(foreign).isInstanceOf(Exception.class);
        }
        assertThat(BYSTANDER_INITIALISED).as("never initialised by a record").hasValue(0);
        // a declared subtype still decodes
        String square = "{\"name\":\"d\",\"shape\":{\"@class\":\"" + Square.class.getName() + "\",\"side\":2}}";
        assertThat(codec.decode(square)).isEqualTo(new Drawing("d", new Square(2)));
    }

    @Test
    void rememberingEveryExceptionIsRefusedAtPlanTime() throws Exception {
        for (String name : new String[] {"tooBroad", "tooBroadToo", "transientIo", "transientTimeout"}) {
            IdempotencyConfigurationException failure = plan(name).failure();
            assertThat(failure).as(name).isNotNull();
            assertThat(failure.getMessage()).contains("rememberExceptions").contains("too broad or transient")
                    .contains("RecordTrustTest." + name + "(String)");
        }
        assertThat(plan("declines").failure()).isNull();
    }

    @Test
    void aRememberedExceptionIsReadBackOnlyAsARememberedType() throws Exception {
        MethodPlan plan = plan("declines");
        var outcome = ResultCodec.encodeException(new Declined("no"));
        Throwable back = ResultCodec.decodeException(outcome.type(), outcome.body(), plan.remember,
                RecordTrustTest.class.getClassLoader());
        assertThat(back).isInstanceOf(Declined.class).hasMessage("no");
        assertThatThrownBy(() -> ResultCodec.decodeException(Unrelated.class.getName(), "{}", plan.remember,
                RecordTrustTest.class.getClassLoader())).hasMessageContaining("not one of");
        assertThat(UNRELATED_INITIALISED).as("checked before initialisation").hasValue(0);
    }
}

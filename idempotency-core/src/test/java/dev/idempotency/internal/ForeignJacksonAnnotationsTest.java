package dev.idempotency.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import org.junit.jupiter.api.Test;

/**
 * The attribute mapping behind {@link ForeignJacksonAnnotations}, with stand-ins for an application's copy of the
 * annotations (this build's Jackson is not relocated; the forked-JVM tests of the agent cover the real case).
 */
class ForeignJacksonAnnotationsTest {

    enum Shape { ANY, STRING, NUMBER_INT }

    enum Feature { WRITE_DATES_WITH_ZONE_ID, ACCEPT_SINGLE_VALUE_AS_ARRAY }

    /** An application's {@code @JsonFormat}: same attribute names, its own enums, some attributes missing. */
    @Retention(RetentionPolicy.RUNTIME)
    @interface TheirFormat {
        Shape shape();

        String pattern();

        Feature[] with();
    }

    @Retention(RetentionPolicy.RUNTIME)
    @interface TheirType {
        Class<?> value();

        String name();
    }

    @Retention(RetentionPolicy.RUNTIME)
    @interface TheirSubTypes {
        TheirType[] value();
    }

    @TheirFormat(shape = Shape.STRING, pattern = "yyyy-MM-dd", with = Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY)
    @TheirSubTypes({@TheirType(value = String.class, name = "text"), @TheirType(value = Integer.class, name = "int")})
    static final class Annotated {
    }

    @Test
    void enumsByNameArraysAndMissingAttributesByTheirDefault() {
        JsonFormat format = (JsonFormat) ForeignJacksonAnnotations.present(
                Annotated.class.getAnnotation(TheirFormat.class), JsonFormat.class);
        assertThat(format.annotationType()).isEqualTo(JsonFormat.class);
        assertThat(format.shape()).isEqualTo(JsonFormat.Shape.STRING);
        assertThat(format.pattern()).isEqualTo("yyyy-MM-dd");
        assertThat(format.with()).containsExactly(JsonFormat.Feature.ACCEPT_SINGLE_VALUE_AS_ARRAY);
        assertThat(format.timezone()).as("absent from theirs: the default").isEqualTo(JsonFormat.DEFAULT_TIMEZONE);
        assertThat(format.lenient()).isEqualTo(com.fasterxml.jackson.annotation.OptBoolean.DEFAULT);
    }

    @Test
    void nestedAnnotationsInArrays() {
        JsonSubTypes subTypes = (JsonSubTypes) ForeignJacksonAnnotations.present(
                Annotated.class.getAnnotation(TheirSubTypes.class), JsonSubTypes.class);
        assertThat(subTypes.value()).hasSize(2);
        assertThat(subTypes.value()[0].value()).isEqualTo(String.class);
        assertThat(subTypes.value()[0].name()).isEqualTo("text");
        assertThat(subTypes.value()[1].annotationType()).isEqualTo(JsonSubTypes.Type.class);
        assertThat(subTypes.value()[1].names()).isEmpty();
    }

    @Test
    void onAPlainClassPathNothingIsTranslated() {
        assertThat(ForeignJacksonAnnotations.RELOCATED).isFalse();
        assertThat(ForeignJacksonAnnotations.FOREIGN_PACKAGE).isEqualTo(ForeignJacksonAnnotations.OWN_PACKAGE);
    }
}

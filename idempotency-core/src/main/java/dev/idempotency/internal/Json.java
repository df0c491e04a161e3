package dev.idempotency.internal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.fasterxml.jackson.module.paramnames.ParameterNamesModule;

/**
 * The two Jackson mappers. Neither enables default typing: a value is always read as the type the method
 * declares, never as a type named in the data.
 */
final class Json {

    /** Results: strict on read, so a tampered record fails instead of turning into something else. */
    static final ObjectMapper RESULTS = base()
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .addModule(new com.fasterxml.jackson.databind.module.SimpleModule("no-class-names")
                    .addDeserializer(Class.class, new NoClassNames()))
            .build();

    /**
     * Jackson reads a {@code Class} by loading and initialising the named class: a stored record must never do that
     * (a remembered exception's {@code Class} property, say). Result types with one are refused at plan time.
     */
    @SuppressWarnings("rawtypes")
    static final class NoClassNames extends com.fasterxml.jackson.databind.deser.std.StdDeserializer<Class> {
        private static final long serialVersionUID = 1L;

        NoClassNames() {
            super(Class.class);
        }

        @Override
        public Class deserialize(com.fasterxml.jackson.core.JsonParser parser,
                                 com.fasterxml.jackson.databind.DeserializationContext context) throws java.io.IOException {
            return (Class) context.handleUnexpectedToken(Class.class, parser.currentToken(), parser,
                    "a stored record may not name a class to load");
        }
    }

    /** Fingerprints: a canonical form, properties and map entries in sorted order. */
    static final ObjectMapper CANONICAL = base()
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private Json() {
    }

    private static JsonMapper.Builder base() {
        return JsonMapper.builder()
                .annotationIntrospector(new ForeignJacksonAnnotations()) // before the modules, which add theirs to it
                .addModule(new JavaTimeModule())
                .addModule(new Jdk8Module())
                .addModule(new ParameterNamesModule())
                .addMixIn(Throwable.class, ThrowableMixIn.class)
                .polymorphicTypeValidator(DeclaredSubtypes.INSTANCE)
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
                .enable(SerializationFeature.WRITE_DATES_WITH_ZONE_ID)
                .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
    }

    /** A remembered exception keeps its message and own properties, not its stack or causes. */
    @JsonIgnoreProperties({"stackTrace", "cause", "suppressed", "localizedMessage"})
    abstract static class ThrowableMixIn {
    }
}

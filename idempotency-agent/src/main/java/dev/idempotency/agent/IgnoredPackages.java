package dev.idempotency.agent;

/**
 * Packages whose classes are never looked at: the JDK, this library and its shaded libraries, and well-known
 * libraries, which hold no application code. Checked on the class's internal name before anything else.
 */
final class IgnoredPackages {

    private static final String[] PREFIXES = {
        // the JDK
        "java/", "javax/", "jdk/", "sun/", "com/sun/", "com/oracle/", "org/w3c/", "org/xml/", "org/ietf/",
        "org/jcp/", "jakarta/",
        // this library: its runtime, its routes, its stores, and what the agent shades
        "dev/idempotency/internal/", "dev/idempotency/bridge/", "dev/idempotency/core/", "dev/idempotency/spi/", "dev/idempotency/memory/",
        "dev/idempotency/agent/", "dev/idempotency/aspect/", "dev/idempotency/redis/", "dev/idempotency/jdbc/",
        "dev/idempotency/shaded/",
        // well-known libraries
        "net/bytebuddy/", "org/springframework/", "org/apache/", "com/fasterxml/", "io/netty/", "org/hibernate/",
        "org/slf4j/", "ch/qos/logback/", "org/aspectj/", "org/junit/", "junit/", "org/opentest4j/",
        "org/apiguardian/", "org/assertj/", "org/hamcrest/", "org/mockito/", "org/objenesis/", "kotlin/", "kotlinx/",
        "scala/", "groovy/", "org/codehaus/", "com/google/", "com/github/benmanes/", "io/micrometer/", "reactor/",
        "org/reactivestreams/", "org/eclipse/", "org/jboss/", "org/glassfish/", "org/yaml/", "io/opentelemetry/",
        "io/grpc/", "org/objectweb/asm/", "org/openjdk/jmh/", "redis/clients/", "io/lettuce/", "com/zaxxer/",
        "org/postgresql/", "com/mysql/", "org/mariadb/", "org/h2/", "org/jspecify/", "org/checkerframework/",
        "io/undertow/", "org/xnio/", "org/thymeleaf/", "org/attoparser/", "org/unbescape/", "org/jooq/",
        "org/flywaydb/", "liquibase/", "org/json/", "org/testcontainers/", "io/micronaut/", "io/quarkus/",
        "io/vertx/", "io/smallrye/", "org/bouncycastle/", "org/jetbrains/", "org/intellij/", "org/antlr/",
        "net/minidev/", "com/jayway/", "org/HdrHistogram/", "org/LatencyUtils/", "io/swagger/", "org/jvnet/",
    };

    private IgnoredPackages() {
    }

    /** @param internalName e.g. {@code com/acme/TransferService} */
    static boolean ignores(String internalName) {
        for (String prefix : PREFIXES) {
            if (internalName.startsWith(prefix)) {
                return true;
            }
        }
        // the public api itself: the annotation, its enum and the exceptions (dev/idempotency/X)
        return internalName.startsWith("dev/idempotency/") && internalName.indexOf('/', "dev/idempotency/".length()) < 0;
    }
}

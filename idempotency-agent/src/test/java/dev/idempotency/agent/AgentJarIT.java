package dev.idempotency.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The agent jar holds nothing outside {@code dev/idempotency/} and {@code META-INF/}: every third-party class is
 * relocated, so it can never clash with the application's own copies of the same libraries.
 */
class AgentJarIT {

    private static final Pattern VERSIONED = Pattern.compile("META-INF/versions/\\d+/(.*)");
    /** Packages a class in the jar may refer to without shipping them: the JDK's. */
    private static final List<String> JDK = List.of("java/", "javax/", "jdk/", "sun/", "com/sun/", "org/w3c/",
            "org/xml/", "org/ietf/");

    @Test
    void everyEntryIsUnderDevIdempotencyOrMetaInf() throws IOException {
        List<String> outside = new ArrayList<>();
        try (JarFile jar = new JarFile(ForkedJvm.agentJar().toFile())) {
            for (JarEntry entry : Collections.list(jar.entries())) {
                String name = entry.getName();
                if (!name.startsWith("dev/idempotency/") && !name.equals("dev/") && !name.startsWith("META-INF/")) {
                    outside.add(name);
                }
                // classes of newer JDKs (multi-release) must be relocated too
                var versioned = VERSIONED.matcher(name);
                if (name.endsWith(".class") && versioned.matches()
                        && !versioned.group(1).startsWith("dev/idempotency/")) {
                    outside.add(name);
                }
                if (name.endsWith(".class") && name.startsWith("META-INF/") && !versioned.matches()) {
                    outside.add(name);
                }
            }
        }
        assertThat(outside).as("entries outside dev/idempotency/ and META-INF/").isEmpty();
    }

    /** The licence travels with the jar, and every bundled library is named in its third-party notices. */
    @Test
    void theLicenceAndEveryBundledLibraryAreNamed() throws IOException {
        try (JarFile jar = new JarFile(ForkedJvm.agentJar().toFile())) {
            assertThat(read(jar, "META-INF/LICENSE")).contains("Apache License", "Version 2.0, January 2004");
            assertThat(read(jar, "META-INF/NOTICE")).isNotBlank();
            String notices = read(jar, "META-INF/THIRD-PARTY-NOTICES.txt");
            TreeSet<String> bundled = new TreeSet<>();
            for (JarEntry entry : Collections.list(jar.entries())) {
                String name = entry.getName();
                if (name.startsWith("dev/idempotency/shaded/") && name.endsWith(".class")) {
                    bundled.add(name.substring(0, name.indexOf('/', "dev/idempotency/shaded/".length()) + 1));
                }
            }
            assertThat(bundled).as("bundled libraries").isNotEmpty();
            for (String library : bundled) {
                assertThat(notices).as("META-INF/THIRD-PARTY-NOTICES.txt names " + library).contains(library);
            }
        }
    }

    @Test
    void theApiIsAtItsOwnNamesAndTheLibrariesOnlyRelocated() throws IOException {
        try (JarFile jar = new JarFile(ForkedJvm.agentJar().toFile())) {
            for (String api : List.of("Idempotent", "OnInProgress", "IdempotencyException",
                    "IdempotencyConfigurationException", "IdempotencyInProgressException", "IdempotencyKeyException",
                    "IdempotencyKeyReuseException", "IdempotencyStoreException")) {
                assertThat(jar.getEntry("dev/idempotency/" + api + ".class")).as(api).isNotNull();
            }
            assertThat(jar.getEntry("dev/idempotency/internal/IdempotencyEngine.class")).isNotNull();
            assertThat(jar.getEntry("dev/idempotency/shaded/bytebuddy/ByteBuddy.class")).isNotNull();
            assertThat(jar.getEntry("dev/idempotency/shaded/jackson/databind/ObjectMapper.class")).isNotNull();
            assertThat(jar.getEntry("dev/idempotency/shaded/caffeine/cache/Caffeine.class")).isNotNull();
            for (JarEntry entry : Collections.list(jar.entries())) {
                String name = entry.getName();
                assertThat(name).doesNotContain("net/bytebuddy/").doesNotContain("com/fasterxml/")
                        .doesNotContain("com/github/benmanes/");
            }
        }
    }

    @Test
    void noClassRefersToAThirdPartyPackageThatIsNotRelocated() throws IOException {
        TreeSet<String> foreign = new TreeSet<>();
        try (JarFile jar = new JarFile(ForkedJvm.agentJar().toFile())) {
            for (JarEntry entry : Collections.list(jar.entries())) {
                if (!entry.getName().endsWith(".class")) {
                    continue;
                }
                byte[] bytes;
                try (InputStream in = jar.getInputStream(entry)) {
                    bytes = in.readAllBytes();
                }
                for (String type : ConstantPool.classNames(bytes)) {
                    String element = type.replaceFirst("^\\[+L?", "").replaceFirst(";$", "");
                    // The database store's Spring integration looks Spring up at run time, in the class loader that
                    // has it; it must name Spring's own classes, so those references stay unrelocated.
                    boolean optionalSpring = element.startsWith("org/springframework/")
                            && entry.getName().startsWith("dev/idempotency/jdbc/");
                    // The servlet filter links against the container's servlet API, in whichever loader has it.
                    boolean containerApi = element.startsWith("jakarta/servlet/")
                            && entry.getName().startsWith("dev/idempotency/servlet/");
                    if (element.length() > 1 && !element.startsWith("dev/idempotency/") && !optionalSpring
                            && !containerApi
                            && JDK.stream().noneMatch(element::startsWith)) {
                        foreign.add(element + " (from " + entry.getName() + ")");
                    }
                }
            }
        }
        assertThat(foreign).as("references to classes the jar neither ships nor relocates").isEmpty();
    }

    @Test
    void theManifestMakesItAnAgentAndTheServicesAreMergedAndRelocated() throws IOException {
        try (JarFile jar = new JarFile(ForkedJvm.agentJar().toFile())) {
            Attributes main = jar.getManifest().getMainAttributes();
            assertThat(main.getValue("Premain-Class")).isEqualTo("dev.idempotency.agent.IdempotencyAgent");
            assertThat(main.getValue("Agent-Class")).isEqualTo("dev.idempotency.agent.IdempotencyAgent");
            assertThat(main.getValue("Can-Retransform-Classes")).isEqualTo("true");
            assertThat(main.getValue("Multi-Release")).isEqualTo("true");

            String stores = read(jar, "META-INF/services/dev.idempotency.spi.IdempotencyStoreProvider");
            assertThat(stores).contains("dev.idempotency.memory.MemoryStoreProvider");
            for (JarEntry entry : Collections.list(jar.entries())) {
                String name = entry.getName();
                if (name.startsWith("META-INF/services/") && !entry.isDirectory()) {
                    assertThat(name).startsWith("META-INF/services/dev.idempotency.");
                    for (String provider : read(jar, name).lines().map(String::trim)
                            .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList()) {
                        assertThat(provider).as(name).startsWith("dev.idempotency.");
                        assertThat(jar.getEntry(provider.replace('.', '/') + ".class")).as(provider).isNotNull();
                    }
                }
            }
        }
    }

    private static String read(JarFile jar, String name) throws IOException {
        JarEntry entry = jar.getJarEntry(name);
        assertThat(entry).as(name).isNotNull();
        try (InputStream in = jar.getInputStream(entry)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The class names a class file's constant pool refers to (its CONSTANT_Class entries). */
    static final class ConstantPool {
        private ConstantPool() {
        }

        static List<String> classNames(byte[] b) {
            int count = u2(b, 8);
            int[] offsets = new int[count];
            List<Integer> classIndexes = new ArrayList<>();
            int at = 10;
            for (int index = 1; index < count; index++) {
                offsets[index] = at;
                int tag = b[at] & 0xFF;
                switch (tag) {
                    case 1 -> at += 3 + u2(b, at + 1);
                    case 7 -> {
                        classIndexes.add(u2(b, at + 1));
                        at += 3;
                    }
                    case 8, 16, 19, 20 -> at += 3;
                    case 15 -> at += 4;
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> at += 5;
                    case 5, 6 -> {
                        at += 9;
                        index++;
                    }
                    default -> throw new IllegalStateException("constant pool tag " + tag);
                }
            }
            List<String> names = new ArrayList<>();
            for (int utf8 : classIndexes) {
                int offset = offsets[utf8];
                names.add(new String(b, offset + 3, u2(b, offset + 1), StandardCharsets.UTF_8));
            }
            return names;
        }

        private static int u2(byte[] b, int at) {
            return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
        }
    }
}

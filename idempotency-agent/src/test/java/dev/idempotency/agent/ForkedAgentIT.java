package dev.idempotency.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.bytebuddy.agent.ByteBuddyAgent;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The real agent jar in JVMs of their own: start-up, configuration, errors, what it instruments, dynamic attach. */
class ForkedAgentIT {

    private static final String VERSION = "0.1.0-SNAPSHOT";

    @Test
    void deduplicatesWithTheAgentJarAndNotWithout() {
        assertThat(ForkedJvm.withAgent(null, List.of(), "dedup"))
                .contains("dedup runs=1 same=true reuse=IdempotencyKeyReuseException");
        // the very same classes without the agent: nothing is deduplicated, so the check above can fail
        assertThat(ForkedJvm.run(List.of(), "dedup")).contains("dedup runs=3 same=false reuse=ran");
    }

    @Test
    void oneStartupLineNamesTheStoreAndSettingsAgentArgumentsFirst() {
        String output = ForkedJvm.withAgent("ttl=PT10M,lease=PT20S", List.of("-Didempotency.ttl=PT7M"), "dedup");
        assertThat(ForkedJvm.agentLines(output)).containsExactly("[idempotency-agent] " + VERSION
                + " started: store memory: (ttl PT10M, lease PT20S); @Idempotent methods are instrumented");
        assertThat(output).contains("dedup runs=1");

        // without agent arguments: system properties, then the defaults
        String fromProperties = ForkedJvm.withAgent(null, List.of("-Didempotency.ttl=PT7M"), "dedup");
        assertThat(ForkedJvm.agentLines(fromProperties)).containsExactly("[idempotency-agent] " + VERSION
                + " started: store memory: (ttl PT7M, lease PT30S); @Idempotent methods are instrumented");
    }

    @Test
    void aStorePasswordNeverAppearsInTheOutput() {
        String output = ForkedJvm.withAgent("store=redis://app:s3cret@127.0.0.1:1/0", List.of(), "calls");
        assertThat(output).doesNotContain("s3cret").contains("redis://app:***@127.0.0.1:1");
    }

    @Test
    void passwordsWithUriPunctuationNeverAppearInTheOutput() {
        Map<String, List<String>> secrets = new LinkedHashMap<>();
        secrets.put("redis://app:pa55/w0rd@127.0.0.1:1", List.of("pa55", "w0rd"));
        secrets.put("redis://:p4ss@w0rd@127.0.0.1:1", List.of("p4ss", "w0rd"));
        secrets.put("redis://app:pa%40ss99@127.0.0.1:1/0", List.of("pa%40", "ss99"));
        // each part long enough not to turn up by chance in a key's base64 hash, which the messages hold ("y8" did)
        secrets.put("redis://app:x7x7q:y8y8q@127.0.0.1:1", List.of("x7x7q", "y8y8q"));
        secrets.put("jdbc:postgresql://127.0.0.1:1/db?user=u&password=s3cq/r3tq@x9zq", List.of("s3cq", "r3tq", "x9zq"));
        for (Map.Entry<String, List<String>> uri : secrets.entrySet()) {
            // through the agent argument and through the system property, and a call that reports the store's failure
            for (String output : List.of(ForkedJvm.withAgent("store=" + uri.getKey(), List.of(), "calls"),
                    ForkedJvm.withAgent(null, List.of("-Didempotency.store=" + uri.getKey()), "calls"))) {
                assertThat(ForkedJvm.agentLines(output)).as(output).isNotEmpty();
                assertThat(output).as(uri.getKey()).contains("threw dev.idempotency.");
                for (String part : uri.getValue()) {
                    assertThat(output).as(uri.getKey()).doesNotContain(part);
                }
            }
        }
    }

    @Test
    void theApplicationsJacksonAnnotationsAreHonouredUnderTheRelocatedJackson() {
        String output = ForkedJvm.withAgent(null, ForkedJvm.withApplicationJackson(), "jackson");
        // replayed by decoding the stored JSON through the @JsonCreator constructor: no password, same account
        assertThat(output).as(output).contains("jackson runs=1 first=ACC-")
                .containsPattern("second=ACC-[-0-9A-F]+/null/4200 replayedType=Login");
        String stored = output.lines().filter(l -> l.startsWith("jackson stored ")).findFirst().orElseThrow();
        assertThat(stored).as("@JsonIgnore: the secret is not written to the store").doesNotContain("hunter2")
                .doesNotContain("password")
                .as("@JsonProperty renames").contains("\"account_no\":\"ACC-").contains("\"amount_cents\":4200")
                .doesNotContain("accountNo");
        // @JsonTypeInfo/@JsonSubTypes of the application: the declared subtype by its declared name, as on the aspect route
        assertThat(output).contains("polymorphic runs=1 first=Card replayed=Card/4242 stored {\"kind\":\"card\",");
        assertThat(output).contains("jackson profile stored {\"user\":\"acc-").doesNotContain("tok-SECRET");
        // @JsonSerialize(using = ...) names a serializer of the application's Jackson: refused, naming what and why
        assertThat(output).contains("databind threw dev.idempotency.IdempotencyConfigurationException: @Idempotent on"
                + " JacksonResults.Accounts.statement(String): unsupported return type")
                .contains("@com.fasterxml.jackson.databind.annotation.JsonSerialize (on field balance)")
                .contains("statementRuns=0");
    }

    @Test
    void aClassTheAgentCannotWeaveRefusesToRunAndSaysWhy() {
        String output = ForkedJvm.withAgent(null, List.of(), "hostile");
        assertThat(ForkedJvm.agentLines(output)).anyMatch(l -> l.startsWith(
                "[idempotency-agent] ERROR could not instrument dev.idempotency.testapp.HugeMethod: "));
        assertThat(output).contains("hostile threw dev.idempotency.IdempotencyConfigurationException: @Idempotent"
                + " dev.idempotency.testapp.HugeMethod.apply(java.lang.String) refuses to run").contains(" runs=0");
        // without the agent the same class runs, so the check above can fail
        assertThat(ForkedJvm.run(List.of(), "hostile")).contains("hostile ran ran runs=1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"start", "engine", "transformer", "started", "weave"})
    void wherePremainOrTheWeavingFailsTheMethodRefusesAndTheApplicationStarts(String point) {
        String output = ForkedJvm.withAgent(null, List.of("-D" + TestFailures.PROPERTY + "=" + point), "calls");
        String injected = "failure injected at '" + point + "'";
        assertThat(ForkedJvm.agentLines(output)).as(output)
                .anyMatch(l -> l.startsWith("[idempotency-agent] ERROR ") && l.contains(injected));
        assertThat(output.lines().filter(l -> l.startsWith("threw ")))
                .singleElement().asString()
                .startsWith("threw dev.idempotency.IdempotencyConfigurationException: ")
                .contains(injected).endsWith(" runs=0");
    }

    @Test
    void theJarAloneTalksToRedisAndTwoJvmsShareOneRecord() throws Exception {
        Assumptions.assumeTrue(new File("/usr/bin/redis-server").canExecute() || onPath("redis-server"),
                "redis-server is not installed: the agent's Redis test is skipped");
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Process redis = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no").redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            awaitPort(port);
            String store = "store=redis://127.0.0.1:" + port;
            String id = "shared-" + UUID.randomUUID();
            String first = ForkedJvm.withAgent(store, List.of(), "once", id);
            assertThat(ForkedJvm.agentLines(first)).singleElement().asString()
                    .contains("started: store redis://127.0.0.1:" + port);
            assertThat(first).contains("once result=v#1 runs=1");
            // another JVM: the record is in Redis, so the method does not run there, and the first result comes back
            assertThat(ForkedJvm.withAgent(store, List.of(), "once", id)).contains("once result=v#1 runs=0");
        } finally {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (new File(dir, command).canExecute()) {
                return true;
            }
        }
        return false;
    }

    private static void awaitPort(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new AssertionError("redis-server did not listen on " + port + " within 10 s");
    }

    @Test
    void aBadConfigurationIsOneLineAndEveryMethodRefusesToRun() {
        String output = ForkedJvm.withAgent("ttl=ten minutes", List.of(), "calls");
        List<String> lines = ForkedJvm.agentLines(output);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).startsWith("[idempotency-agent] ERROR configuration: from agent argument ttl=:")
                .contains("ten minutes").contains("refuses to run");
        // the application started, and the method refused rather than ran unprotected
        assertThat(output).contains("threw dev.idempotency.IdempotencyConfigurationException").contains("runs=0");

        String unknown = ForkedJvm.withAgent("ttl=PT5M,tll=PT1M", List.of(), "calls");
        assertThat(ForkedJvm.agentLines(unknown)).singleElement().asString()
                .contains("unknown agent argument 'tll'");
        assertThat(unknown).contains("threw dev.idempotency.IdempotencyConfigurationException").contains("runs=0");

        // after store=, ",name=" may be part of a password: it stays in the URI, which then fails as a whole
        String inStore = ForkedJvm.withAgent("store=memory:,tll=PT1M", List.of(), "calls");
        assertThat(ForkedJvm.agentLines(inStore).get(0)).contains("bad store URI 'memory:,tll=PT1M'");
        assertThat(inStore).contains("threw dev.idempotency.IdempotencyConfigurationException").contains("runs=0");
    }

    @Test
    void aBadAnnotationIsReportedWhenItsClassIsFirstUsedAndTheMethodRefusesToRun() {
        String output = ForkedJvm.withAgent(null, List.of(), "broken");
        int reported = output.indexOf("BrokenService.unknownParameter(String): #request is not a parameter");
        int constructed = output.indexOf("constructed BrokenService");
        assertThat(reported).as(output).isNotNegative();
        assertThat(constructed).as("reported before the class's first call: " + output).isGreaterThan(reported);
        assertThat(output).contains("unknownParameter threw dev.idempotency.IdempotencyConfigurationException")
                .contains("runs=0");
    }

    @Test
    void instrumentsExactlyTheClassesThatDeclareIdempotentMethods() {
        String output = ForkedJvm.withAgent(null, List.of("-Didempotency.agent.debug=true"), "count");
        assertThat(output).contains("static static-1/static-1")
                .contains("handler handled-250-1/handled-250-1 runs=1"); // the bridge method is not instrumented
        Matcher declaring = Pattern.compile("declaring (\\d+) (\\S+)").matcher(output);
        assertThat(declaring.find()).as(output).isTrue();
        Set<String> expected = new TreeSet<>(Arrays.asList(declaring.group(2).split(",")));
        assertThat(expected).hasSize(Integer.parseInt(declaring.group(1))).contains(
                "dev.idempotency.testkit.fixtures.ConformanceService", "dev.idempotency.testkit.fixtures.BrokenService",
                "dev.idempotency.testapp.ProbeApp$StaticOnly", "dev.idempotency.testapp.Handlers$AmountHandler");

        Matcher summary = Pattern.compile("debug: instrumented (\\d+) classes: ([^ ]+(?:, [^ (]+)*) \\(").matcher(output);
        assertThat(summary.find()).as(output).isTrue();
        Set<String> instrumented = new TreeSet<>(Arrays.asList(summary.group(2).split(", ")));
        assertThat(instrumented).as("instrumented = declaring @Idempotent methods").isEqualTo(expected);
        assertThat(Integer.parseInt(summary.group(1))).isEqualTo(expected.size());
    }

    @Test
    void attachingToARunningJvmRetransformsItsLoadedClasses() throws Exception {
        List<String> command = ForkedJvm.command(
                List.of("-XX:+IgnoreUnrecognizedVMOptions", "-XX:+EnableDynamicAgentLoading"), "attach");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8)) {
            String pid = null;
            String line;
            while (pid == null && (line = out.readLine()) != null) {
                lines.add(line);
                if (line.startsWith("pid ")) {
                    pid = line.substring(4).trim();
                }
            }
            assertThat(pid).as("the child's output: " + lines).isNotNull();
            assertThat(lines).as("loaded and called before the agent").contains("before runs=3 same=false reuse=ran");

            ByteBuddyAgent.attach(new File(ForkedJvm.agentJar().toString()), pid);
            in.write("go\n");
            in.flush();
            while ((line = out.readLine()) != null) {
                lines.add(line);
            }
        } finally {
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the child finished: " + lines).isTrue();
            process.destroyForcibly();
        }
        assertThat(process.exitValue()).as(lines.toString()).isZero();
        assertThat(lines).as("the same, already loaded class, now deduplicated")
                .contains("after runs=1 same=true reuse=IdempotencyKeyReuseException");
        assertThat(lines).anyMatch(l -> l.startsWith("[idempotency-agent] " + VERSION + " attached: store memory:"));
    }
}

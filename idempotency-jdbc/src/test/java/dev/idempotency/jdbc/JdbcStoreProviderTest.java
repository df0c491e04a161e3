package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.IdempotencyStoreException;
import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.testkit.fixtures.ConformanceService;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The {@code jdbc:} URIs: found through the ServiceLoader, options taken out of the URL, bad values named. */
class JdbcStoreProviderTest {

    private final JdbcStoreProvider provider = new JdbcStoreProvider();

    @AfterEach
    void reset() {
        Idempotency.reset();
    }

    /** The provider the runtime would pick: the first that the ServiceLoader finds and that accepts the URI. */
    private static dev.idempotency.spi.IdempotencyStoreProvider providerFor(String uri) {
        return java.util.ServiceLoader.load(dev.idempotency.spi.IdempotencyStoreProvider.class).stream()
                .map(java.util.ServiceLoader.Provider::get).filter(p -> p.accepts(uri)).findFirst().orElseThrow();
    }

    @Test
    void theProviderIsFoundForEveryJdbcUriForm() {
        for (String uri : new String[] {"jdbc:postgresql://h/db", "jdbc:mariadb://h/db", "jdbc:h2:mem:x",
                "JDBC:PostgreSQL://h/db"}) {
            assertThat(providerFor(uri)).as(uri).isInstanceOf(JdbcStoreProvider.class);
        }
        assertThat(provider.accepts("jdbc:sqlserver://h")).isFalse();
        assertThat(provider.accepts("memory:")).isFalse();
    }

    @Test
    void optionsAreTakenOutOfTheUrlBeforeTheDriverSeesIt() {
        Map<String, String> options = new LinkedHashMap<>();
        assertThat(JdbcStoreProvider.stripOptions("jdbc:postgresql://h/db?user=u&idempotency.table=t&password=p", options))
                .isEqualTo("jdbc:postgresql://h/db?user=u&password=p");
        assertThat(options).containsEntry("table", "t");
        assertThat(JdbcStoreProvider.stripOptions("jdbc:postgresql://h/db?idempotency.table=t", new LinkedHashMap<>()))
                .isEqualTo("jdbc:postgresql://h/db");
        assertThat(JdbcStoreProvider.stripOptions("jdbc:mariadb://h/db?idempotency.table=t&user=u&idempotency.clock=runtime",
                new LinkedHashMap<>())).isEqualTo("jdbc:mariadb://h/db?user=u");
        assertThat(JdbcStoreProvider.stripOptions("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1;idempotency.createTable=true",
                new LinkedHashMap<>())).isEqualTo("jdbc:h2:mem:x;DB_CLOSE_DELAY=-1");
    }

    @Test
    void badOptionsAreNamed() {
        assertThatThrownBy(() -> provider.create("jdbc:h2:mem:x;idempotency.tabel=t", Clock.systemUTC()))
                .isInstanceOf(IdempotencyConfigurationException.class).hasMessageContaining("idempotency.tabel")
                .hasMessageContaining("idempotency.table");
        assertThatThrownBy(() -> provider.create("jdbc:h2:mem:x;idempotency.createTable=yes", Clock.systemUTC()))
                .hasMessageContaining("createTable must be true or false, but was 'yes'");
        assertThatThrownBy(() -> provider.create("jdbc:h2:mem:x;idempotency.purgeInterval=60", Clock.systemUTC()))
                .as("a bare number has no unit").isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("idempotency.purgeInterval must be a duration such as 500ms")
                .hasMessageContaining("'60'");
        assertThatThrownBy(() -> provider.create("jdbc:h2:mem:x;idempotency.connectionTimeout=0s", Clock.systemUTC()))
                .hasMessageContaining("idempotency.connectionTimeout must be at least 1ms");
        assertThatThrownBy(() -> provider.create("jdbc:h2:mem:x;idempotency.connectionTimeout=100ms", Clock.systemUTC()))
                .hasMessageContaining("idempotency.connectionTimeout must be at least 250ms");
        assertThatThrownBy(() -> provider.create("jdbc:h2:mem:x;idempotency.poolSize=ten", Clock.systemUTC()))
                .hasMessageContaining("idempotency.poolSize must be a whole number, but was 'ten'");
        assertThatThrownBy(() -> provider.create("jdbc:h2:mem:x;idempotency.table=1x", Clock.systemUTC()))
                .hasMessageContaining("plain SQL identifier").hasMessageContaining("'1x'");
        assertThatThrownBy(() -> provider.create("jdbc:h2:mem:x;idempotency.clock=ntp", Clock.systemUTC()))
                .hasMessageContaining("database or runtime");
    }

    @Test
    void durationsAreWrittenAsEverywhereElse() {
        for (String interval : new String[] {"500ms", "30s", "10m", "PT1M", "0s", "PT0S"}) {
            try (IdempotencyStore store = provider.create("jdbc:h2:mem:x;idempotency.purgeInterval=" + interval
                    + ";idempotency.connectionTimeout=750ms", Clock.systemUTC())) {
                assertThat(store).as(interval).isInstanceOf(JdbcStore.class);
            }
        }
    }

    @Test
    void mysqlIsRefusedWithTheReasonAndWhatToUseInstead() {
        String uri = "jdbc:mysql://127.0.0.1:3306/test?user=root&password=s3cret";
        assertThat(providerFor(uri)).as("refused by this provider, with the reason, not as unknown")
                .isInstanceOf(JdbcStoreProvider.class);
        assertThat(provider.uriForms()).doesNotContainIgnoringCase("mysql");
        for (String form : new String[] {uri, "JDBC:MySQL://h/db"}) {
            assertThatThrownBy(() -> provider.create(form, Clock.systemUTC()))
                    .isInstanceOf(IdempotencyConfigurationException.class)
                    .hasMessageContaining("MySQL is not supported").hasMessageContaining("never on MySQL")
                    .hasMessageContaining("jdbc:mariadb:").hasMessageNotContaining("s3cret");
        }
        assertThatThrownBy(() -> Idempotency.configure(IdempotencyConfig.builder().storeUri(uri).build()))
                .isInstanceOf(IdempotencyConfigurationException.class).hasMessageContaining("MySQL is not supported");
    }

    @Test
    void aUrlNoDriverTakesIsAConfigurationErrorWithThePasswordMasked() {
        assertThatThrownBy(() -> provider.create("jdbc:postgresql://127.0.0.1:notaport/test?user=u&password=s3cret",
                Clock.systemUTC())).isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("cannot create a connection pool").hasMessageNotContaining("s3cret");
    }

    @Test
    void aMissingTableIsAStoreErrorOfEveryCallThatSaysHowToCreateIt() {
        try (IdempotencyStore store = provider.create("jdbc:h2:mem:missing-" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1;idempotency.table=idemjdbc_nothing;idempotency.purgeInterval=0s",
                Clock.systemUTC())) {
            for (int call = 0; call < 2; call++) {
                assertThatThrownBy(() -> store.claim("ns", "k", "o", "fp", Duration.ofSeconds(5)))
                        .isInstanceOf(IdempotencyStoreException.class).hasMessageContaining("idemjdbc_nothing")
                        .hasMessageContaining("key 'k'").hasMessageContaining("dev/idempotency/jdbc/schema/h2.sql")
                        .hasMessageContaining("idempotency.createTable=true")
                        .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable())
                                .as("the database answered").isFalse());
            }
        }
    }

    @Test
    void aStoreFromAUriWorksEndToEndAndHidesThePassword() {
        String uri = Databases.POSTGRES_URL + "&password=s3cret&idempotency.table=" + Databases.DB_CLOCK_TABLE
                + "&idempotency.createTable=true&idempotency.purgeInterval=PT0S";
        Databases.postgres(); // skips or fails when the server is not there
        Idempotency.configure(IdempotencyConfig.builder().storeUri(uri).build());
        IdempotencyStore store = Idempotency.runtime().store();
        assertThat(store.describe()).startsWith("jdbc(postgresql, table=" + Databases.DB_CLOCK_TABLE + ", clock=database")
                .contains("password=***").doesNotContain("s3cret");
        ConformanceService service = new ConformanceService();
        String id = "uri-" + UUID.randomUUID();
        assertThat(service.text(id, "v")).isEqualTo("v#1");
        assertThat(service.text(id, "v")).isEqualTo("v#1");
    }

    @Test
    void anH2UriWithTheRuntimeClock() {
        IdempotencyStore store = provider.create("jdbc:h2:mem:uri-" + UUID.randomUUID()
                + ";DB_CLOSE_DELAY=-1;idempotency.createTable=true;idempotency.clock=runtime", Clock.systemUTC());
        try {
            assertThat(store.describe()).contains("jdbc(h2", "clock=runtime");
            assertThat(store.claim("ns", "k", "o", "fp", Duration.ofSeconds(5))).isNotNull();
            assertThat(store.read("ns", "k").owner()).isEqualTo("o");
        } finally {
            store.close();
        }
    }

    @Test
    void aDatabaseThatIsDownAtStartFailsCallsClosedInsteadOfTheStartup() {
        IdempotencyStore store = provider.create("jdbc:postgresql://127.0.0.1:1/none?user=x"
                + "&idempotency.connectionTimeout=PT0.5S&idempotency.purgeInterval=PT0S", Clock.systemUTC());
        try {
            assertThatThrownBy(() -> store.claim("ns", "k", "o", "fp", Duration.ofSeconds(5)))
                    .isInstanceOf(IdempotencyStoreException.class).hasMessageContaining("failed to claim key 'k'")
                    .satisfies(e -> assertThat(((IdempotencyStoreException) e).isUnreachable()).isTrue());
        } finally {
            store.close();
        }
    }
}

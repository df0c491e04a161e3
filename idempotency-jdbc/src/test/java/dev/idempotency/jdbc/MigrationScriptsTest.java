package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The migration scripts shipped for Flyway and Liquibase ({@code db/idempotency/{vendor}/}) are the store's own DDL with
 * the default names: a change to the DDL that is not carried over to them fails here.
 */
class MigrationScriptsTest {

    private static String resource(String path) throws IOException {
        try (InputStream in = MigrationScriptsTest.class.getClassLoader().getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @CsvSource({"postgresql, postgresql", "mariadb, mariadb", "h2, h2"})
    void eachScriptIsTheStoresDdlWithTheDefaultNames(String vendor, String template) throws IOException {
        String expected = resource("dev/idempotency/jdbc/schema/" + template + ".sql")
                .replace("${table}", JdbcStore.DEFAULT_TABLE).replace("${table_name}", JdbcStore.DEFAULT_TABLE)
                .replace("${index}", JdbcStore.DEFAULT_TABLE + "_expires_at");
        assertThat(statements(resource("db/idempotency/" + vendor + "/R__idempotency_records.sql")))
                .isEqualTo(statements(expected));
    }

    /** The SQL without its whole-line comments, which differ: the shipped scripts say where they come from. */
    private static String statements(String sql) {
        return sql.lines().filter(line -> !line.startsWith("--")).collect(java.util.stream.Collectors.joining("\n"));
    }

    @org.junit.jupiter.api.Test
    void theH2ScriptCreatesATableTheStoreAccepts() throws IOException {
        org.h2.jdbcx.JdbcDataSource h2 = new org.h2.jdbcx.JdbcDataSource();
        h2.setURL("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1");
        String script = statements(resource("db/idempotency/h2/R__idempotency_records.sql"));
        Databases.execute(h2, script.split(";\\s*\n"));
        try (JdbcStore store = JdbcStore.builder(h2).build()) {
            assertThat(store.read("migrated", "k")).isNull(); // checks the table; a wrong one is a store failure
        }
    }
}

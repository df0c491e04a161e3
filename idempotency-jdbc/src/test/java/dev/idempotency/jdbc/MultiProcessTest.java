package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.jdbc.fixtures.Ledger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * 4 JVMs × 8 threads on 2,000 shared keys, every thread calling every key: each key executes exactly once across
 * all of them, and every call of a key returns the same result.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class MultiProcessTest {

    private static final int JVMS = 4;
    private static final int THREADS = 8;
    private static final int KEYS = 2_000;

    @ParameterizedTest
    @EnumSource(value = Database.class, names = {"POSTGRESQL", "MARIADB"})
    void everyKeyExecutesExactlyOnceAcrossProcesses(Database database) throws Exception {
        DataSource ds = Databases.of(database);
        Databases.execute(ds, Ledger.DDL);
        Databases.store(database, null).close(); // the record table exists before the children race to create it
        String runId = UUID.randomUUID().toString();
        long startAt = System.currentTimeMillis() + 4_000;
        List<ChildJvm> children = new ArrayList<>();
        try {
            for (int j = 0; j < JVMS; j++) {
                children.add(ChildJvm.start(LoadChild.class, database.name(), Databases.url(database), runId,
                        String.valueOf(KEYS), String.valueOf(THREADS), String.valueOf(startAt), "jvm" + j));
            }
            Set<String> digests = new HashSet<>();
            for (ChildJvm child : children) {
                String done = child.await("DONE ", 200);
                assertThat(child.exit(30)).as(child.output()).isZero();
                assertThat(done).as(child.output()).contains("calls=" + KEYS * THREADS, "errors=0", "keys=" + KEYS);
                digests.add(done.substring(done.indexOf("digest=")));
            }
            assertThat(digests).as("every JVM saw the same result for every key").hasSize(1);
        } finally {
            children.forEach(ChildJvm::close);
        }
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*), count(DISTINCT k) FROM " + Ledger.TABLE + " WHERE run_id = ?")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).as("executions").isEqualTo(KEYS);
                assertThat(rs.getInt(2)).as("distinct keys executed").isEqualTo(KEYS);
            }
        }
        Databases.execute(ds, "DELETE FROM " + Ledger.TABLE + " WHERE run_id = '" + runId + "'");
    }
}

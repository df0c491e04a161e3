package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.jdbc.fixtures.Payments;
import dev.idempotency.jdbc.fixtures.Receipt;
import dev.idempotency.jdbc.fixtures.SpringConfig;
import dev.idempotency.jdbc.fixtures.SpringPayments;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * Exactly-once effect across a crash: a child JVM pays an order in transactional mode (plain JDBC or Spring
 * {@code @Transactional}) and is killed with {@code kill -9}, either after its business write but before the commit,
 * or after the commit. Then this JVM retries the payment.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@SuppressWarnings("try") // the binding is held for its scope, not referenced
class CrashTest {

    private AnnotationConfigApplicationContext context;

    static Stream<Arguments> routes() {
        return Stream.of(Arguments.of("plain", Database.POSTGRESQL), Arguments.of("plain", Database.MARIADB),
                Arguments.of("spring", Database.POSTGRESQL), Arguments.of("spring", Database.MARIADB));
    }

    @AfterEach
    void tearDown() {
        Idempotency.reset();
        if (context != null) {
            context.close();
        }
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("routes")
    void killedAfterTheBusinessWriteBeforeTheCommitLeavesNothingAndTheKeyIsFreeAtOnce(String mode, Database database)
            throws Exception {
        DataSource ds = Databases.of(database);
        Databases.execute(ds, Payments.DDL);
        String orderId = "crash-" + UUID.randomUUID();
        try (ChildJvm child = ChildJvm.start(CrashChild.class, mode, database.name(), Databases.url(database), orderId,
                "before")) {
            child.await("WROTE", 60);
            child.kill();
        }
        assertThat(businessRows(ds, orderId)).as("the business row died with the transaction").isZero();
        Retry retry = retry(mode, database);
        long start = System.nanoTime();
        Receipt receipt = retry.pay(orderId);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(receipt.chargedBy()).as("the retry ran the payment itself").isEqualTo("parent");
        assertThat(retry.runs()).isEqualTo(1);
        assertThat(tookMillis).as("the key was free without waiting for the 60 s lease").isLessThan(15_000);
        assertThat(businessRows(ds, orderId)).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("routes")
    void killedAfterTheCommitReplaysAndTheBusinessRowExistsOnce(String mode, Database database) throws Exception {
        DataSource ds = Databases.of(database);
        Databases.execute(ds, Payments.DDL);
        String orderId = "crash-" + UUID.randomUUID();
        String committed;
        try (ChildJvm child = ChildJvm.start(CrashChild.class, mode, database.name(), Databases.url(database), orderId,
                "after")) {
            committed = child.await("COMMITTED ", 60).substring("COMMITTED ".length());
            child.kill();
        }
        assertThat(businessRows(ds, orderId)).isEqualTo(1);
        Retry retry = retry(mode, database);
        Receipt receipt = retry.pay(orderId);
        assertThat(receipt.toString()).as("the child's result, replayed").isEqualTo(committed);
        assertThat(receipt.chargedBy()).isEqualTo("child");
        assertThat(retry.runs()).as("the retry did not run the payment").isZero();
        assertThat(businessRows(ds, orderId)).isEqualTo(1);
    }

    private interface Retry {
        Receipt pay(String orderId) throws Exception;

        int runs();
    }

    /** This JVM's payment service, on the same route as the child's. */
    private Retry retry(String mode, Database database) {
        if (mode.equals("plain")) {
            DataSource ds = Databases.of(database);
            configure(ds, database);
            Payments payments = new Payments("parent");
            return new Retry() {
                @Override
                public Receipt pay(String orderId) throws SQLException {
                    try (Connection c = ds.getConnection()) {
                        c.setAutoCommit(false);
                        try (var tx = JdbcIdempotency.bind(c)) {
                            payments.connection.set(c);
                            Receipt r = payments.pay(orderId, 4200);
                            c.commit();
                            return r;
                        } finally {
                            c.setAutoCommit(true);
                        }
                    }
                }

                @Override
                public int runs() {
                    return payments.runs.get();
                }
            };
        }
        SpringConfig.url = Databases.url(database);
        SpringConfig.who = "parent";
        context = new AnnotationConfigApplicationContext(SpringConfig.class);
        configure(context.getBean(DataSource.class), database);
        SpringPayments payments = context.getBean(SpringPayments.class);
        return new Retry() {
            @Override
            public Receipt pay(String orderId) {
                return payments.pay(orderId, 4200);
            }

            @Override
            public int runs() {
                return payments.runs();
            }
        };
    }

    private static void configure(DataSource ds, Database database) {
        Idempotency.configure(IdempotencyConfig.builder().store(JdbcStore.builder(ds).database(database)
                .table(Databases.DB_CLOCK_TABLE).createTable(true).purgeInterval(Duration.ZERO).build()).build());
    }

    static int businessRows(DataSource ds, String orderId) throws SQLException {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM " + Payments.TABLE + " WHERE order_id = ?")) {
            ps.setString(1, orderId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}

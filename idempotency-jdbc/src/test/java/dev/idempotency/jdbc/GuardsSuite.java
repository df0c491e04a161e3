package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The business unique key guard and the state-field guard, on one database. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
abstract class GuardsSuite {

    static final String ORDERS = Databases.PREFIX + "guard_orders";

    private final Database database;
    private DataSource dataSource;

    GuardsSuite(Database database) {
        this.database = database;
    }

    @BeforeEach
    void createTable() {
        dataSource = Databases.of(database);
        Databases.execute(dataSource, "CREATE TABLE IF NOT EXISTS " + ORDERS + " (order_no VARCHAR(64) NOT NULL PRIMARY KEY,"
                + " ref VARCHAR(64) NOT NULL UNIQUE, amount BIGINT NOT NULL, status VARCHAR(16) NOT NULL)");
    }

    private static String orderNo() {
        return "ord-" + UUID.randomUUID();
    }

    private static Long amountOf(Connection c, String orderNo) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT amount FROM " + ORDERS + " WHERE order_no = ? FOR UPDATE")) {
            ps.setString(1, orderNo);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /**
     * The lookup as the README and the Javadoc of {@link BusinessKeyGuard} tell users to write it: a read of the latest
     * committed row under a shared lock, which goes with the shared lock a duplicate insert leaves on MariaDB.
     */
    private Long documentedLookup(Connection c, String orderNo) throws SQLException {
        String lock = switch (database) {
            case MARIADB -> " LOCK IN SHARE MODE";
            case POSTGRESQL -> " FOR SHARE";
            case H2 -> "";
        };
        try (PreparedStatement ps = c.prepareStatement("SELECT amount FROM " + ORDERS + " WHERE order_no = ?" + lock)) {
            ps.setString(1, orderNo);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    /** An insert that skips a duplicate of the business key itself. */
    private String skippingInsert() {
        return switch (database) {
            case POSTGRESQL -> INSERT + " ON CONFLICT (order_no) DO NOTHING";
            case MARIADB -> INSERT.replace("INSERT INTO", "INSERT IGNORE INTO");
            case H2 -> "MERGE INTO " + ORDERS + " t USING (VALUES (CAST(? AS VARCHAR(64)), CAST(? AS VARCHAR(64)),"
                    + " CAST(? AS BIGINT))) s(n, r, a) ON t.order_no = s.n WHEN NOT MATCHED THEN INSERT"
                    + " (order_no, ref, amount, status) VALUES (s.n, s.r, s.a, 'UNPAID')";
        };
    }

    @Test
    void twoTransactionsMeetingAnExistingKeyBothFindItWithoutDeadlock() throws Exception {
        bothFindTheExistingRow(INSERT);
    }

    @Test
    void twoTransactionsWhoseInsertSkipsTheExistingKeyBothFindItWithoutDeadlock() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeFalse(database == Database.H2,
                "H2's MERGE locks the row it matched: the second transaction waits for the first, and cannot meet it");
        bothFindTheExistingRow(skippingInsert());
    }

    private void bothFindTheExistingRow(String insert) throws Exception {
        String no = orderNo();
        try (Connection c = dataSource.getConnection()) {
            BusinessKeyGuard.insertOnce(c, INSERT, k -> documentedLookup(k, no), no, no, 10L);
        }
        CyclicBarrier bothInserted = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<BusinessKeyGuard.Result<Long>>> results = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                String ref = no + "-" + t;
                results.add(pool.submit(() -> {
                    try (Connection c = dataSource.getConnection()) {
                        c.setAutoCommit(false);
                        try {
                            // both inserts have failed as duplicates before either transaction looks the row up
                            BusinessKeyGuard.Result<Long> r = BusinessKeyGuard.insertOnce(c, insert, k -> {
                                try {
                                    bothInserted.await(10, TimeUnit.SECONDS);
                                } catch (Exception e) {
                                    throw new IllegalStateException("the other transaction did not insert", e);
                                }
                                return documentedLookup(k, no);
                            }, no, ref, 99L);
                            c.commit();
                            return r;
                        } catch (Exception e) {
                            c.rollback();
                            throw e;
                        } finally {
                            c.setAutoCommit(true);
                        }
                    }
                }));
            }
            for (Future<BusinessKeyGuard.Result<Long>> f : results) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(new BusinessKeyGuard.AlreadyExists<>(10L));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static final String INSERT = "INSERT INTO " + ORDERS + " (order_no, ref, amount, status) VALUES (?, ?, ?, 'UNPAID')";

    @Test
    void aDuplicateBusinessKeyIsAlreadyDoneWithTheExistingRow() throws SQLException {
        String no = orderNo();
        try (Connection c = dataSource.getConnection()) {
            assertThat(BusinessKeyGuard.insertOnce(c, INSERT, k -> amountOf(k, no), no, no, 100L))
                    .isEqualTo(new BusinessKeyGuard.Inserted<Long>(1));
            assertThat(BusinessKeyGuard.insertOnce(c, INSERT, k -> amountOf(k, no), no, no + "-2", 999L))
                    .isEqualTo(new BusinessKeyGuard.AlreadyExists<>(100L));
        }
    }

    @Test
    void insideATransactionTheDuplicateLeavesTheTransactionUsable() throws SQLException {
        String no = orderNo();
        String other = orderNo();
        try (Connection c = dataSource.getConnection()) {
            BusinessKeyGuard.insertOnce(c, INSERT, k -> amountOf(k, no), no, no, 100L);
            c.setAutoCommit(false);
            try {
                // on PostgreSQL a failed statement aborts the transaction: the guard's savepoint keeps it alive
                assertThat(BusinessKeyGuard.insertOnce(c, INSERT, k -> amountOf(k, no), no, no + "-2", 5L))
                        .isInstanceOf(BusinessKeyGuard.AlreadyExists.class);
                assertThat(BusinessKeyGuard.insertOnce(c, INSERT, k -> amountOf(k, other), other, other, 7L))
                        .isInstanceOf(BusinessKeyGuard.Inserted.class);
                c.commit();
            } finally {
                c.setAutoCommit(true);
            }
            assertThat(amountOf(c, other)).isEqualTo(7L);
        }
    }

    @Test
    void anInsertThatSkipsDuplicatesItselfIsUnderstoodToo() throws SQLException {
        String no = orderNo();
        String skipping = skippingInsert();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                assertThat(BusinessKeyGuard.insertOnce(c, skipping, k -> amountOf(k, no), no, no, 3L))
                        .isInstanceOf(BusinessKeyGuard.Inserted.class);
                assertThat(BusinessKeyGuard.insertOnce(c, skipping, k -> amountOf(k, no), no, no + "-x", 4L))
                        .isEqualTo(new BusinessKeyGuard.AlreadyExists<>(3L));
                c.commit();
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    @Test
    void aDuplicateOfAnotherUniqueKeyIsNotTakenForTheBusinessKey() throws SQLException {
        String no = orderNo();
        String clash = orderNo();
        try (Connection c = dataSource.getConnection()) {
            BusinessKeyGuard.insertOnce(c, INSERT, k -> amountOf(k, no), no, "shared-" + no, 1L);
            assertThatThrownBy(() -> BusinessKeyGuard.insertOnce(c, INSERT, k -> amountOf(k, clash), clash, "shared-" + no, 2L))
                    .isInstanceOf(SQLException.class).satisfies(e -> assertThat(SqlErrors.isDuplicateKey((SQLException) e)).isTrue());
        }
    }

    @Test
    void aStateTransitionTellsAppliedAlreadyDoneConflictAndNotFound() throws SQLException {
        String no = orderNo();
        String cancelled = orderNo();
        try (Connection c = dataSource.getConnection()) {
            BusinessKeyGuard.insertOnce(c, INSERT, k -> amountOf(k, no), no, no, 10L);
            BusinessKeyGuard.insertOnce(c, INSERT, k -> amountOf(k, cancelled), cancelled, cancelled, 10L);
            StateGuard.transition(c, ORDERS, "order_no", cancelled, "status", "UNPAID", "CANCELLED");

            assertThat(StateGuard.transition(c, ORDERS, "order_no", no, "status", "UNPAID", "PAID"))
                    .isEqualTo(new StateGuard.Transition(StateGuard.Result.APPLIED, "PAID"));
            assertThat(StateGuard.transition(c, ORDERS, "order_no", no, "status", "UNPAID", "PAID"))
                    .isEqualTo(new StateGuard.Transition(StateGuard.Result.ALREADY_DONE, "PAID"));
            assertThat(StateGuard.transition(c, ORDERS, "order_no", cancelled, "status", "UNPAID", "PAID"))
                    .isEqualTo(new StateGuard.Transition(StateGuard.Result.CONFLICT, "CANCELLED"));
            assertThat(StateGuard.transition(c, ORDERS, "order_no", "nope-" + no, "status", "UNPAID", "PAID"))
                    .isEqualTo(new StateGuard.Transition(StateGuard.Result.NOT_FOUND, null));
            // values are bound, never spliced: a quote in a state is just a state that matches nothing
            assertThat(StateGuard.transition(c, ORDERS, "order_no", cancelled, "status", "x' OR '1'='1", "PAID").result())
                    .isEqualTo(StateGuard.Result.CONFLICT);
        }
    }

    @Test
    void identifiersAreCheckedNeverSpliced() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            for (String[] bad : new String[][] {
                    {ORDERS + "; DROP TABLE " + ORDERS, "order_no", "status"},
                    {ORDERS, "order_no = order_no OR 1=1 --", "status"},
                    {ORDERS, "order_no", "status\""},
                    {"1orders", "order_no", "status"},
                    {"a.b.c", "order_no", "status"},
                    {ORDERS, "", "status"}}) {
                assertThatThrownBy(() -> StateGuard.transition(c, bad[0], bad[1], "x", bad[2], "UNPAID", "PAID"))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("plain SQL identifier");
            }
        }
    }

    @Test
    void concurrentTransitionsApplyOnce() throws Exception {
        String no = orderNo();
        try (Connection c = dataSource.getConnection()) {
            BusinessKeyGuard.insertOnce(c, INSERT, k -> amountOf(k, no), no, no, 10L);
        }
        int threads = 8;
        CyclicBarrier barrier = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<StateGuard.Result>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    barrier.await(10, TimeUnit.SECONDS);
                    try (Connection c = dataSource.getConnection()) {
                        c.setAutoCommit(false);
                        StateGuard.Result r = StateGuard.transition(c, ORDERS, "order_no", no, "status", "UNPAID", "PAID").result();
                        c.commit();
                        c.setAutoCommit(true);
                        return r;
                    }
                }));
            }
            int applied = 0;
            int done = 0;
            for (Future<StateGuard.Result> f : results) {
                switch (f.get(30, TimeUnit.SECONDS)) {
                    case APPLIED -> applied++;
                    case ALREADY_DONE -> done++;
                    default -> throw new AssertionError("unexpected");
                }
            }
            assertThat(applied).isEqualTo(1);
            assertThat(done).isEqualTo(threads - 1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theExamplePaysTwiceAndChargesOnce() throws Exception {
        assertThat(OrderPaymentExample.run(dataSource)).isEqualTo(List.of("charged", "already paid"));
    }
}

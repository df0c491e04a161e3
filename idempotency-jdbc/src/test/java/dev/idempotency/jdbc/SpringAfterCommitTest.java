package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.IdempotencyInProgressException;
import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.jdbc.fixtures.Payments;
import dev.idempotency.jdbc.fixtures.Receipt;
import dev.idempotency.jdbc.fixtures.SpringConfig;
import dev.idempotency.jdbc.fixtures.SpringPayments;
import dev.idempotency.memory.MemoryStore;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * {@code @Transactional} + {@code @Idempotent} with a store that is NOT part of the transaction (here the in-memory
 * store; Redis behaves the same, the engine decides): the outcome is recorded only after Spring's commit, and the key
 * is given up when the transaction rolls back, also when the method itself returned normally.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpringAfterCommitTest {

    private static final String DEFERRED = Databases.PREFIX + "deferred_unique";

    private AnnotationConfigApplicationContext context;
    private DataSource dataSource;
    private SpringPayments payments;
    private TransactionTemplate transactions;
    private JdbcTemplate jdbc;

    @BeforeEach
    void start() {
        Databases.execute(Databases.postgres(), Payments.DDL);
        Databases.execute(Databases.postgres(), "CREATE TABLE IF NOT EXISTS " + DEFERRED
                + " (k VARCHAR(100), CONSTRAINT " + DEFERRED + "_k UNIQUE (k) DEFERRABLE INITIALLY DEFERRED)");
        SpringConfig.url = Databases.POSTGRES_URL;
        SpringConfig.who = "after-commit";
        context = new AnnotationConfigApplicationContext(SpringConfig.class);
        dataSource = context.getBean(DataSource.class);
        transactions = new TransactionTemplate(context.getBean(PlatformTransactionManager.class));
        jdbc = new JdbcTemplate(dataSource);
        Idempotency.configure(IdempotencyConfig.builder().store(new MemoryStore(Clock.systemUTC(), 1_000)).build());
        payments = context.getBean(SpringPayments.class);
    }

    @AfterEach
    void stop() {
        Idempotency.reset();
        context.close();
    }

    @Test
    void aTransactionRolledBackAfterTheMethodReturnedLeavesNoSuccessBehind() throws Exception {
        String id = "after-commit-" + UUID.randomUUID();
        transactions.executeWithoutResult(status -> {
            payments.pay(id, 7); // joins this transaction, returns normally
            status.setRollbackOnly();
        });
        assertThat(CrashTest.businessRows(dataSource, id)).as("rolled back").isZero();
        Receipt retry = payments.pay(id, 7);
        assertThat(payments.runs()).as("the retry runs: nothing was charged the first time").isEqualTo(2);
        assertThat(CrashTest.businessRows(dataSource, id)).isEqualTo(1);
        assertThat(payments.pay(id, 7)).isEqualTo(retry);
        assertThat(payments.runs()).isEqualTo(2);
    }

    @Test
    void aCommitThatFailsLeavesNoSuccessBehindAndNoSecondRun() throws Exception {
        String id = "after-commit-" + UUID.randomUUID();
        failTheNextCommit();
        assertThatThrownBy(() -> payments.pay(id, 7)).hasMessageContaining("commit failed")
                .hasStackTraceContaining(DEFERRED);
        assertThat(CrashTest.businessRows(dataSource, id)).isZero();
        // Spring reports a failed commit as "unknown" (a commit whose answer was lost may have committed): the key is
        // neither replayed as a success nor run again, and says why
        assertThatThrownBy(() -> payments.pay(id, 7)).isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessageContaining("could not tell").hasMessageContaining(id);
        assertThat(payments.runs()).isEqualTo(1);
    }

    @Test
    void aCommitThatFailsAndIsRolledBackGivesTheKeyUp() throws Exception {
        context.getBean(DataSourceTransactionManager.class).setRollbackOnCommitFailure(true);
        String id = "after-commit-" + UUID.randomUUID();
        failTheNextCommit();
        assertThatThrownBy(() -> payments.pay(id, 7)).hasStackTraceContaining(DEFERRED);
        assertThat(CrashTest.businessRows(dataSource, id)).isZero();
        payments.pay(id, 7);
        assertThat(payments.runs()).as("rolled back for sure: the retry runs").isEqualTo(2);
        assertThat(CrashTest.businessRows(dataSource, id)).isEqualTo(1);
    }

    /** Two equal values under a deferred unique constraint: the write succeeds, the COMMIT fails. */
    private void failTheNextCommit() {
        String duplicate = "dup-" + UUID.randomUUID();
        payments.afterWrite(() -> {
            jdbc.update("INSERT INTO " + DEFERRED + " (k) VALUES (?), (?)", duplicate, duplicate);
            payments.afterWrite(() -> { });
        });
    }

    @Test
    void untilTheCommitAnotherCallerIsToldTheKeyIsInProgress() throws Exception {
        String id = "after-commit-" + UUID.randomUUID();
        Object[] seen = new Object[1];
        transactions.executeWithoutResult(status -> {
            payments.pay(id, 7);
            seen[0] = CompletableFuture.supplyAsync(() -> {
                try {
                    return payments.pay(id, 7);
                } catch (IdempotencyInProgressException e) {
                    return e;
                }
            }).join();
        });
        assertThat(seen[0]).isInstanceOf(IdempotencyInProgressException.class);
        assertThat(payments.pay(id, 7).orderId()).isEqualTo(id);
        assertThat(payments.runs()).isEqualTo(1);
    }
}

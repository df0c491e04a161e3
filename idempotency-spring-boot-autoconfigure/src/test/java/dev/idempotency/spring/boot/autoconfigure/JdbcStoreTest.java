package dev.idempotency.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.jdbc.JdbcStore;
import dev.idempotency.spi.IdempotencyStore;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceTransactionManagerAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.autoconfigure.transaction.TransactionAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * {@code idempotency.store=jdbc} on the application's DataSource (H2 here; PostgreSQL in the example's tests), joining
 * the {@code @Transactional} method's transaction: the advisor runs inside Spring's transaction advisor.
 */
class JdbcStoreTest {

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                    DataSourceTransactionManagerAutoConfiguration.class, JdbcTemplateAutoConfiguration.class,
                    TransactionAutoConfiguration.class, AopAutoConfiguration.class, IdempotencyAutoConfiguration.class))
            .withPropertyValues("spring.datasource.url=jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1",
                    "idempotency.store=jdbc", "idempotency.jdbc.create-table=true")
            .withBean(Payments.class);

    private static long rows(JdbcTemplate jdbc, String id) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM payments WHERE id = ?", Long.class, id);
    }

    @Test
    void theClaimIsWrittenInTheApplicationsTransactionAndCommitsWithIt() {
        runner.run(context -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE payments (id VARCHAR(64) PRIMARY KEY, cents BIGINT)");
            IdempotencyStore store = context.getBean(IdempotencyStore.class);
            assertThat(store).isInstanceOf(JdbcStore.class);
            Payments payments = context.getBean(Payments.class);
            Object[] seen = new Object[2];
            payments.afterWrite(id -> {
                seen[0] = TransactionSynchronizationManager.isActualTransactionActive();
                seen[1] = store.read("test.pay", id); // another connection: the claim is not committed yet
            });
            assertThat(payments.pay("p-1", 700)).isEqualTo("paid p-1");
            assertThat(seen[0]).isEqualTo(true);
            assertThat(seen[1]).as("claimed inside the transaction, invisible outside it").isNull();
            assertThat(store.read("test.pay", "p-1").isCompleted()).isTrue();

            payments.afterWrite(id -> { });
            assertThat(payments.pay("p-1", 700)).isEqualTo("paid p-1");
            assertThat(payments.runs()).isEqualTo(1);
            assertThat(rows(jdbc, "p-1")).isEqualTo(1);
        });
    }

    @Test
    void aRollbackTakesTheClaimWithTheBusinessRow() {
        runner.run(context -> {
            JdbcTemplate jdbc = context.getBean(JdbcTemplate.class);
            jdbc.execute("CREATE TABLE payments (id VARCHAR(64) PRIMARY KEY, cents BIGINT)");
            Payments payments = context.getBean(Payments.class);
            payments.afterWrite(id -> {
                throw new IllegalStateException("insufficient funds");
            });
            assertThatThrownBy(() -> payments.pay("p-2", 700)).hasMessage("insufficient funds");
            assertThat(rows(jdbc, "p-2")).isZero();
            assertThat(context.getBean(IdempotencyStore.class).read("test.pay", "p-2")).isNull();

            payments.afterWrite(id -> { });
            assertThat(payments.pay("p-2", 700)).isEqualTo("paid p-2");
            assertThat(payments.runs()).isEqualTo(2);
            assertThat(rows(jdbc, "p-2")).isEqualTo(1);
        });
    }

    @Test
    void withoutCreateTableAMissingTableIsAStoreFailureThatNamesTheScript() {
        runner.withPropertyValues("idempotency.jdbc.create-table=false").run(context -> {
            assertThatThrownBy(() -> context.getBean(IdempotencyStore.class).read("test.pay", "x"))
                    .hasMessageContaining("idempotency_records");
        });
    }
}

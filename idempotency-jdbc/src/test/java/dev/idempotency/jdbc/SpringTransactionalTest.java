package dev.idempotency.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.aop.support.AopUtils;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Spring's {@code @Transactional} and {@code @Idempotent} on one method, in a minimal context (no Spring Boot): the
 * proxy opens the transaction, the woven idempotency runs inside it, on the connection Spring bound.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SpringTransactionalTest {

    private static final String NAMESPACE = "idemjdbc.SpringPayments.pay";

    private AnnotationConfigApplicationContext context;
    private DataSource dataSource;
    private JdbcStore store;
    private SpringPayments payments;

    @BeforeEach
    void start() {
        Databases.execute(Databases.postgres(), Payments.DDL);
        SpringConfig.url = Databases.POSTGRES_URL;
        SpringConfig.who = "spring";
        context = new AnnotationConfigApplicationContext(SpringConfig.class);
        dataSource = context.getBean(DataSource.class);
        store = JdbcStore.builder(dataSource).table(Databases.DB_CLOCK_TABLE).createTable(true)
                .purgeInterval(Duration.ZERO).build();
        Idempotency.configure(IdempotencyConfig.builder().store(store).build());
        payments = context.getBean(SpringPayments.class);
    }

    @AfterEach
    void stop() {
        Idempotency.reset();
        context.close();
    }

    @Test
    void theIdempotencyAdviceRunsInsideSpringsTransaction() {
        assertThat(AopUtils.isAopProxy(payments)).as("the bean is Spring's transactional proxy").isTrue();
        String id = "spring-" + UUID.randomUUID();
        Object[] seen = new Object[3];
        payments.afterWrite(() -> {
            seen[0] = TransactionSynchronizationManager.isActualTransactionActive();
            seen[1] = store.read(NAMESPACE, id); // from the pool: the claim is not committed yet
            Connection springs = DataSourceUtils.getConnection(dataSource);
            try (PreparedStatement ps = springs.prepareStatement("SELECT state FROM " + store.table()
                    + " WHERE key_hash = ?")) {
                ps.setBytes(1, JdbcStore.hash(NAMESPACE, id));
                try (ResultSet rs = ps.executeQuery()) {
                    seen[2] = rs.next() ? rs.getString(1) : null; // Spring's transaction holds the claim
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            } finally {
                DataSourceUtils.releaseConnection(springs, dataSource);
            }
        });
        Receipt first = payments.pay(id, 7);
        assertThat(seen[0]).isEqualTo(true);
        assertThat(seen[1]).isNull();
        assertThat(seen[2]).isEqualTo("IN_PROGRESS");
        assertThat(store.read(NAMESPACE, id).isCompleted()).as("committed with the business row").isTrue();
        payments.afterWrite(() -> { });
        assertThat(payments.pay(id, 7)).isEqualTo(first);
        assertThat(payments.runs()).isEqualTo(1);
    }

    @Test
    void aRolledBackTransactionTakesTheClaimAndTheBusinessRowWithIt() throws SQLException {
        String id = "spring-" + UUID.randomUUID();
        payments.failNext(new IllegalStateException("insufficient funds"));
        assertThatThrownBy(() -> payments.pay(id, 7)).hasMessage("insufficient funds");
        assertThat(store.read(NAMESPACE, id)).isNull();
        assertThat(CrashTest.businessRows(dataSource, id)).isZero();
        Receipt second = payments.pay(id, 7);
        assertThat(second.orderId()).isEqualTo(id);
        assertThat(payments.runs()).isEqualTo(2);
        assertThat(CrashTest.businessRows(dataSource, id)).isEqualTo(1);
    }
}

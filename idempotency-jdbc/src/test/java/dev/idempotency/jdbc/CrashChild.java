package dev.idempotency.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.jdbc.fixtures.Payments;
import dev.idempotency.jdbc.fixtures.Receipt;
import dev.idempotency.jdbc.fixtures.SpringConfig;
import dev.idempotency.jdbc.fixtures.SpringPayments;
import java.sql.Connection;
import java.time.Duration;
import javax.sql.DataSource;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;

/**
 * The process that {@link CrashTest} kills: pays an order in transactional mode and then hangs, either before the
 * commit (after the business write) or after it, printing {@code WROTE} / {@code COMMITTED <receipt>} so that the
 * test knows when to kill it.
 *
 * <p>Arguments: {@code plain|spring}, the database id, the JDBC URL, the order id, {@code before|after}.
 */
@SuppressWarnings("try") // the binding is held for its scope, not referenced
public final class CrashChild {

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Database database = Database.valueOf(args[1]);
        String url = args[2];
        String orderId = args[3];
        boolean crashBeforeCommit = args[4].equals("before");
        Runnable hang = () -> {
            System.out.println("WROTE");
            System.out.flush();
            if (crashBeforeCommit) {
                sleepForever();
            }
        };
        if (mode.equals("plain")) {
            try (HikariDataSource ds = new HikariDataSource()) {
                ds.setJdbcUrl(url);
                configure(ds, database);
                Payments payments = new Payments("child");
                payments.afterWrite = hang;
                try (Connection c = ds.getConnection()) {
                    c.setAutoCommit(false);
                    try (var tx = JdbcIdempotency.bind(c)) {
                        payments.connection.set(c);
                        Receipt receipt = payments.pay(orderId, 4200);
                        c.commit();
                        committed(receipt);
                    }
                }
            }
        } else {
            SpringConfig.url = url;
            SpringConfig.who = "child";
            try (var context = new AnnotationConfigApplicationContext(SpringConfig.class)) {
                configure(context.getBean(DataSource.class), database);
                SpringPayments payments = context.getBean(SpringPayments.class);
                payments.afterWrite(hang);
                committed(payments.pay(orderId, 4200)); // the proxy committed when pay returned
            }
        }
    }

    private static void configure(DataSource ds, Database database) {
        Idempotency.configure(IdempotencyConfig.builder().store(JdbcStore.builder(ds).database(database)
                .table(Databases.DB_CLOCK_TABLE).createTable(true).purgeInterval(Duration.ZERO).build()).build());
    }

    private static void committed(Receipt receipt) {
        System.out.println("COMMITTED " + receipt);
        System.out.flush();
        sleepForever();
    }

    /** Hangs until killed; gives up after two minutes, so that no child outlives a test run that died. */
    private static void sleepForever() {
        try {
            Thread.sleep(120_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.exit(3);
    }
}

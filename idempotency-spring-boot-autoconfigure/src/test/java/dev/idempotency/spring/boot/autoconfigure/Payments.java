package dev.idempotency.spring.boot.autoconfigure;

import dev.idempotency.Idempotent;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.annotation.Transactional;

/** A transactional service: the payment row and the idempotency record must commit or roll back together. */
public class Payments {

    private final JdbcTemplate jdbc;
    private final AtomicInteger runs = new AtomicInteger();
    private volatile Consumer<String> afterWrite = id -> { };

    public Payments(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Transactional
    @Idempotent(key = "#id", namespace = "test.pay")
    public String pay(String id, long cents) {
        runs.incrementAndGet();
        jdbc.update("INSERT INTO payments (id, cents) VALUES (?, ?)", id, cents);
        afterWrite.accept(id);
        return "paid " + id;
    }

    public void afterWrite(Consumer<String> action) {
        this.afterWrite = action;
    }

    public int runs() {
        return runs.get();
    }
}

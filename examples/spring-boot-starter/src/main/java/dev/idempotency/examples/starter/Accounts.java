package dev.idempotency.examples.starter;

import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Balances in the database, in whole currency units. */
@Repository
public class Accounts {

    private final JdbcTemplate jdbc;

    public Accounts(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Opens the account with the balance unless it exists. */
    public void open(String id, long balance) {
        Integer known = jdbc.queryForObject("SELECT COUNT(*) FROM accounts WHERE id = ?", Integer.class, id);
        if (known == null || known == 0) {
            jdbc.update("INSERT INTO accounts (id, balance) VALUES (?, ?)", id, balance);
        }
    }

    /** Debits {@code from} and credits {@code to}, or throws; the caller's transaction makes it all or nothing. */
    public long move(String from, String to, long amount) {
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be positive, but was " + amount);
        }
        if (from.equals(to)) {
            throw new IllegalArgumentException("cannot transfer from '" + from + "' to itself");
        }
        if (jdbc.update("UPDATE accounts SET balance = balance - ? WHERE id = ? AND balance >= ?", amount, from,
                amount) != 1) {
            throw new IllegalArgumentException("unknown account '" + from + "' or insufficient funds");
        }
        if (jdbc.update("UPDATE accounts SET balance = balance + ? WHERE id = ?", amount, to) != 1) {
            throw new IllegalArgumentException("unknown account '" + to + "'");
        }
        return balance(from);
    }

    public long balance(String id) {
        return jdbc.queryForObject("SELECT balance FROM accounts WHERE id = ?", Long.class, id);
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> balances = new TreeMap<>();
        jdbc.query("SELECT id, balance FROM accounts", rs -> {
            balances.put(rs.getString(1), rs.getLong(2));
        });
        return balances;
    }
}

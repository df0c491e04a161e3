package dev.idempotency.examples.springboot;

import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/**
 * In-memory balances, in whole currency units. Moving money is atomic, so the only way a balance can come out wrong
 * is a transfer that executes twice.
 */
@Component
public class Accounts {

    private final Map<String, Long> balances = new TreeMap<>(Map.of("alice", 1_000L, "bob", 1_000L, "carol", 1_000L));

    public synchronized long balance(String account) {
        Long balance = balances.get(account);
        if (balance == null) {
            throw new IllegalArgumentException("unknown account '" + account + "'");
        }
        return balance;
    }

    /** Debits {@code from} and credits {@code to}, or changes nothing and throws. */
    public synchronized void move(String from, String to, long amount) {
        long fromBalance = balance(from);
        balance(to);
        if (from.equals(to)) {
            throw new IllegalArgumentException("cannot transfer from '" + from + "' to itself");
        }
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be positive, but was " + amount);
        }
        if (fromBalance < amount) {
            throw new IllegalArgumentException("insufficient funds: '" + from + "' has " + fromBalance
                    + ", cannot transfer " + amount);
        }
        balances.put(from, fromBalance - amount);
        balances.merge(to, amount, Long::sum);
    }

    public synchronized Map<String, Long> snapshot() {
        return new TreeMap<>(balances);
    }
}

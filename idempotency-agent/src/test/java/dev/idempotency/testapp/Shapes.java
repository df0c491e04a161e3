package dev.idempotency.testapp;

import dev.idempotency.Idempotent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Methods of the shapes the weaver must get right: two-slot parameters and results, locals after them, arrays, a loop
 * at the very start (a stack map frame at the method's first instruction), returns inside try and catch, early void
 * returns, a static method. Each call that runs counts in {@link #runs}; the in-process test calls each twice with one
 * key ({@link #apply} runs them all) and expects every one to run once and replay the same result.
 */
public class Shapes implements Function<String, String> {

    public int runs;

    @Override
    public String apply(String id) {
        List<Object> results = new ArrayList<>();
        results.add(sum(3L, id, 0.5));
        results.add(ratio(id, 4));
        results.add(java.util.Arrays.toString(digits(id)));
        results.add(caught(id, false));
        results.add(caught(id + "-thrown", true));
        results.add(loop(id, 3));
        nothing(id, true);
        results.add(twice(id, 21L));
        results.add(flag(id));
        results.add(letter(id));
        return results + " runs=" + runs;
    }

    @Idempotent(key = "#id")
    public long sum(long a, String id, double b) {
        runs++;
        long local = a * 10;
        double scaled = b * 4;
        return local + (long) scaled + id.length();
    }

    @Idempotent(key = "#id + '-ratio'")
    public double ratio(String id, int n) {
        runs++;
        double total = 0;
        for (int i = 1; i <= n; i++) {
            total += 1.0 / i;
        }
        return total;
    }

    @Idempotent(key = "#id + '-digits'")
    public int[] digits(String id) {
        runs++;
        return new int[] {id.length(), runs};
    }

    @Idempotent(key = "#id + '-caught'")
    public String caught(String id, boolean fail) {
        runs++;
        try {
            if (fail) {
                throw new IllegalStateException("inner");
            }
            return "tried";
        } catch (IllegalStateException e) {
            return "caught " + e.getMessage();
        } finally {
            runs += 0;
        }
    }

    @Idempotent(key = "#id + '-loop'")
    public String loop(String id, int n) {
        while (true) {
            if (--n <= 0) {
                runs++;
                return "looped";
            }
        }
    }

    @Idempotent(key = "#id + '-nothing'")
    public void nothing(String id, boolean early) {
        runs++;
        if (early) {
            return;
        }
        runs += 100;
    }

    @Idempotent(key = "#id + '-twice'")
    public static long twice(String id, long n) {
        counted++;
        return n * 2;
    }

    public static int counted;

    @Idempotent(key = "#id + '-flag'")
    public boolean flag(String id) {
        runs++;
        return id.isEmpty();
    }

    @Idempotent(key = "#id + '-letter'")
    public char letter(String id) {
        runs++;
        return id.charAt(0);
    }
}

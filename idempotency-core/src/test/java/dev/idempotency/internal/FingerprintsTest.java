package dev.idempotency.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Timestamp;
import java.time.Instant;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Base64;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.TreeMap;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class FingerprintsTest {

    record Payment(String id, BigDecimal amount, Instant at, List<String> tags, Map<String, Integer> limits) {
    }

    public static class Bean {
        private final String name;
        private final int size;

        public Bean(String name, int size) {
            this.name = name;
            this.size = size;
        }

        public String getName() {
            return name;
        }

        public int getSize() {
            return size;
        }
    }

    private static String fp(Object... args) throws Exception {
        return Fingerprints.of(args);
    }

    record Upload(String id, byte[] content, String text, int parts) {
    }

    @Test
    void largeBytesAndStringsHashTheSameBytesWhenStreamedIntoTheDigest() throws Exception {
        int n = CanonicalBytes.STREAM_AT * 3 + 7;
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) (i * 31);
        }
        char[] ascii = new char[n];
        Arrays.fill(ascii, 'a');
        String plain = new String(ascii);
        String accented = "é€\uD83D\uDE00".repeat(n / 4);
        String loneSurrogate = plain.substring(1) + "\uD800";
        String loneAmongOthers = "\uDC00" + accented;
        String pairAcrossChunks = "x" + accented; // a surrogate pair across the encoder's chunks
        for (Object value : new Object[] {bytes, plain, accented, pairAcrossChunks, loneSurrogate, loneAmongOthers,
                new Upload("u-1", bytes, accented, 3), new Object[] {new Upload("u-2", bytes, plain, 1), "after"}}) {
            String expected = hashOfBufferedBytes(value);
            assertThat(Fingerprints.of(value, false)).isEqualTo(expected);
            assertThat(Fingerprints.of(value, true)).as("in process, but too large to keep as it is").isEqualTo(expected);
        }
        assertThat(Fingerprints.of(plain, false)).isNotEqualTo(Fingerprints.of(loneSurrogate, false))
                .isNotEqualTo(Fingerprints.of(plain.substring(1) + "?", false));
        assertThat(Fingerprints.of("small", true)).as("a small payload still kept as it is, in process").startsWith("~");
    }

    /** The fingerprint of a value's canonical bytes written the plain way, every byte into a buffer first. */
    private static String hashOfBufferedBytes(Object value) throws Exception {
        CanonicalBytes buffered = new CanonicalBytes(); // never reset: not a fingerprint's, so nothing streams
        buffered.write(value);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update((byte) CanonicalBytes.VERSION);
        sha.update(buffered.buffer(), 0, buffered.size());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(sha.digest());
    }

    @Test
    void equalPayloadsAgreeHoweverTheyWereBuilt() throws Exception {
        Map<String, Integer> hash = new HashMap<>();
        Map<String, Integer> tree = new TreeMap<>();
        for (int i = 0; i < 50; i++) {
            hash.put("k" + i, i);
        }
        for (int i = 49; i >= 0; i--) {
            tree.put("k" + i, i);
        }
        Payment a = new Payment("p", new BigDecimal("1.50"), Instant.EPOCH, List.of("x", "y"), hash);
        Payment b = new Payment("p", new BigDecimal("1.50"), Instant.EPOCH, new ArrayList<>(List.of("x", "y")), tree);
        assertThat(fp(a)).isEqualTo(fp(b)).hasSize(43);

        HashSet<String> set = new HashSet<>();
        LinkedHashSet<String> linked = new LinkedHashSet<>();
        for (int i = 0; i < 100; i++) {
            set.add("e" + i);
            linked.add("e" + (99 - i));
        }
        assertThat(fp(set)).isEqualTo(fp(linked));
        assertThat(fp(new Bean("n", 3))).isEqualTo(fp(new Bean("n", 3)));
        UUID id = UUID.randomUUID();
        assertThat(fp(id, Optional.of(3))).isEqualTo(fp(UUID.fromString(id.toString()), Optional.of(3)));
    }

    @Test
    void differentPayloadsDiffer() throws Exception {
        assertThat(fp("1")).isNotEqualTo(fp(1));
        assertThat(fp((Object) null)).isNotEqualTo(fp("null"));
        assertThat(fp(List.of("ab", "c"))).isNotEqualTo(fp(List.of("a", "bc")));
        assertThat(fp("a", "b")).isNotEqualTo(fp("b", "a"));
        assertThat(fp(new BigDecimal("1.5"))).isNotEqualTo(fp(new BigDecimal("1.51")));
        assertThat(fp(1.0d)).isNotEqualTo(fp(1.0f));
        assertThat(fp(new Bean("n", 3))).isNotEqualTo(fp(new Bean("n", 4)));
        assertThat(fp(Optional.empty())).isNotEqualTo(fp((Object) null));
        assertThat(fp(List.of(1, 2))).isNotEqualTo(fp(List.of(2, 1)));
        assertThat(fp(Map.of("a", 1))).isNotEqualTo(fp(Map.of("a", 2)));
        assertThat(fp(new int[] {1, 2})).isNotEqualTo(fp(new int[] {1, 3}));
    }

    sealed interface Command permits Deposit, Withdraw {
    }

    record Deposit(String requestId, String account, long cents) implements Command {
    }

    record Withdraw(String requestId, String account, long cents) implements Command {
    }

    enum CardRail { STANDARD, INSTANT }

    enum BankRail { STANDARD, INSTANT }

    enum WithBodies {
        A { },
        B { }
    }

    public static class OtherBean {
        private final String name;
        private final int size;

        public OtherBean(String name, int size) {
            this.name = name;
            this.size = size;
        }

        public String getName() {
            return name;
        }

        public int getSize() {
            return size;
        }
    }

    /** A bean with a set and a map of sets: nested collections must be sorted like top-level ones. */
    public static class Holder {
        private final Set<String> tags;
        private final Map<String, Set<Integer>> groups;

        public Holder(Set<String> tags, Map<String, Set<Integer>> groups) {
            this.tags = tags;
            this.groups = groups;
        }

        public Set<String> getTags() {
            return tags;
        }

        public Map<String, Set<Integer>> getGroups() {
            return groups;
        }
    }

    /** Fluent accessors only: no property a bean introspector can see. */
    static final class Money {
        private final BigDecimal amount;

        Money(BigDecimal amount) {
            this.amount = amount;
        }

        public BigDecimal amount() {
            return amount;
        }
    }

    @Test
    void theRuntimeTypeIsPartOfThePayload() throws Exception {
        assertThat(fp(new Deposit("r1", "acct", 100))).isEqualTo(fp(new Deposit("r1", "acct", 100)))
                .isNotEqualTo(fp(new Withdraw("r1", "acct", 100)));
        assertThat(fp(CardRail.INSTANT)).isEqualTo(fp(CardRail.INSTANT)).isNotEqualTo(fp(BankRail.INSTANT))
                .isNotEqualTo(fp(CardRail.STANDARD));
        assertThat(fp(WithBodies.A)).isEqualTo(fp(WithBodies.A)).isNotEqualTo(fp(WithBodies.B));
        assertThat(fp(new Bean("n", 3))).isNotEqualTo(fp(new OtherBean("n", 3)));
        assertThat(fp(List.of(new Deposit("r", "a", 1)))).isNotEqualTo(fp(List.of(new Withdraw("r", "a", 1))));
    }

    @Test
    void setsAndMapsInsideABeanAreSorted() throws Exception {
        Set<String> small = new HashSet<>();
        Set<String> large = new HashSet<>(4096);
        Map<String, Set<Integer>> groupsA = new HashMap<>();
        Map<String, Set<Integer>> groupsB = new TreeMap<>();
        for (int i = 0; i < 40; i++) {
            small.add("t" + i);
            large.add("t" + (39 - i));
            groupsA.put("g" + i, new HashSet<>(List.of(i, i * 1000, -i)));
            groupsB.put("g" + i, new LinkedHashSet<>(List.of(-i, i * 1000, i)));
        }
        assertThat(new ArrayList<>(small)).as("precondition").isNotEqualTo(new ArrayList<>(large));
        assertThat(fp(new Holder(small, groupsA))).isEqualTo(fp(new Holder(large, groupsB)));
        groupsB.put("g3", Set.of(3));
        assertThat(fp(new Holder(small, groupsA))).isNotEqualTo(fp(new Holder(large, groupsB)));
    }

    @Test
    void numericallyEqualDecimalsAgree() throws Exception {
        assertThat(fp(new BigDecimal("1.0"))).isEqualTo(fp(new BigDecimal("1.00"))).isEqualTo(fp(BigDecimal.ONE))
                .isEqualTo(fp(new BigDecimal("0.1E+1")));
        assertThat(fp(new BigDecimal("100"))).isEqualTo(fp(new BigDecimal("1E+2")))
                .isNotEqualTo(fp(new BigDecimal("10")));
        assertThat(fp(BigDecimal.ZERO)).isEqualTo(fp(new BigDecimal("0.000"))).isEqualTo(fp(new BigDecimal("0E+5")))
                .isEqualTo(fp(new BigDecimal("-0.00")));
        assertThat(fp(new BigDecimal("-1.50"))).isEqualTo(fp(new BigDecimal("-1.5")))
                .isNotEqualTo(fp(new BigDecimal("1.5")));
        // a map whose keys are equal only numerically still has one canonical form, whatever its iteration order
        Map<BigDecimal, String> one = new java.util.LinkedHashMap<>();
        one.put(new BigDecimal("1.0"), "a");
        one.put(new BigDecimal("1.00"), "b");
        Map<BigDecimal, String> two = new java.util.LinkedHashMap<>();
        two.put(new BigDecimal("1.00"), "b");
        two.put(new BigDecimal("1.0"), "a");
        assertThat(fp(one)).isEqualTo(fp(two));
    }

    @Test
    void anObjectWithoutReadableStateIsRefusedNotFingerprintedEmpty() {
        assertThatThrownBy(() -> fp(new Money(BigDecimal.TEN))).isInstanceOf(UnreadablePayloadException.class)
                .hasMessageContaining(Money.class.getName());
        assertThatThrownBy(() -> fp(new Object())).isInstanceOf(UnreadablePayloadException.class)
                .hasMessageContaining("java.lang.Object");
        Supplier<String> lambda = () -> "x";
        assertThatThrownBy(() -> fp(lambda)).isInstanceOf(UnreadablePayloadException.class);
        assertThatThrownBy(() -> fp(List.of(new Deposit("r", "a", 1), new Money(BigDecimal.ONE))))
                .isInstanceOf(UnreadablePayloadException.class);
    }

    @Test
    void theCanonicalFormIsVersioned() throws Exception {
        String raw = Fingerprints.of("x", true);
        assertThat(raw.charAt(0)).isEqualTo('~');
        assertThat((int) raw.charAt(1)).isEqualTo(CanonicalBytes.VERSION);
    }

    @Test
    void aCycleIsAnErrorNotAHang() {
        List<Object> cycle = new ArrayList<>();
        cycle.add(cycle);
        assertThatThrownBy(() -> fp(cycle)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deeper");
    }

    // ---- an application's subclasses of JDK values ----

    /** A money type that extends Number, whose text is the display amount (the currency is shown elsewhere). */
    public static final class NumberMoney extends Number {
        private final long cents;
        private final String currency;

        public NumberMoney(long cents, String currency) {
            this.cents = cents;
            this.currency = currency;
        }

        public String getCurrency() {
            return currency;
        }

        @Override
        public String toString() {
            return cents / 100 + "." + String.format("%02d", cents % 100);
        }

        @Override
        public int intValue() {
            return (int) cents;
        }

        @Override
        public long longValue() {
            return cents;
        }

        @Override
        public float floatValue() {
            return cents;
        }

        @Override
        public double doubleValue() {
            return cents;
        }
    }

    /** A BigDecimal that carries its currency (its amount has a getter: its creator takes it in by that name). */
    public static final class DecimalMoney extends BigDecimal {
        private final String currency;

        public DecimalMoney(String amount, String currency) {
            super(amount);
            this.currency = currency;
        }

        public BigDecimal getAmount() {
            return new BigDecimal(unscaledValue(), scale());
        }

        public String getCurrency() {
            return currency;
        }
    }

    /** A CharSequence with more state than its characters. */
    public static final class Tagged implements CharSequence {
        private final String text;
        private final String tag;

        public Tagged(String text, String tag) {
            this.text = text;
            this.tag = tag;
        }

        public String getTag() {
            return tag;
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    @Test
    void anApplicationsNumberOrCharSequenceIsWrittenByItsStateNotOnlyItsText() throws Exception {
        assertThat(fp(new NumberMoney(1000, "EUR"))).isEqualTo(fp(new NumberMoney(1000, "EUR")))
                .isNotEqualTo(fp(new NumberMoney(1000, "JPY"))).isNotEqualTo(fp(new NumberMoney(1001, "EUR")));
        assertThat(fp(new DecimalMoney("10.0", "EUR"))).isEqualTo(fp(new DecimalMoney("10.00", "EUR")))
                .isNotEqualTo(fp(new DecimalMoney("10", "JPY"))).isNotEqualTo(fp(new DecimalMoney("11", "EUR")))
                .isNotEqualTo(fp(new BigDecimal("10")));
        assertThat(fp(new Tagged("abc", "x"))).isEqualTo(fp(new Tagged("abc", "x")))
                .isNotEqualTo(fp(new Tagged("abc", "y"))).isNotEqualTo(fp(new Tagged("abd", "x")));
        // the JDK's own are still their text
        assertThat(fp(new StringBuilder("x"))).isEqualTo(fp(new StringBuilder("x")));
        assertThat(fp(new java.util.concurrent.atomic.AtomicLong(5))).isNotEqualTo(
                fp(new java.util.concurrent.atomic.AtomicLong(6)));
    }

    @Test
    void aTimestampKeepsItsNanosecondsAndOtherDatesTheirMilliseconds() throws Exception {
        Timestamp a = Timestamp.valueOf("2024-01-01 00:00:00.000000001");
        Timestamp b = Timestamp.valueOf("2024-01-01 00:00:00.000000002");
        assertThat(a.getTime()).as("precondition").isEqualTo(b.getTime());
        assertThat(fp(a)).isNotEqualTo(fp(b)).isEqualTo(fp(Timestamp.valueOf("2024-01-01 00:00:00.000000001")));
        assertThat(fp(new java.sql.Date(86_400_000L))).isEqualTo(fp(new java.sql.Date(86_400_000L)))
                .isNotEqualTo(fp(new java.sql.Date(86_400_001L))).isNotEqualTo(fp(new java.util.Date(86_400_000L)));
        assertThat(fp(new java.sql.Time(1000))).isNotEqualTo(fp(new java.sql.Time(1001)));
    }

    // ---- collections ----

    @Test
    void collectionsWithoutAnOrderAgreeHoweverTheyWereFilled() throws Exception {
        PriorityQueue<Integer> sorted = new PriorityQueue<>(List.of(1, 2, 3, 4, 5));
        PriorityQueue<Integer> shuffled = new PriorityQueue<>();
        for (int i : new int[] {5, 3, 4, 1, 2}) {
            shuffled.add(i);
        }
        assertThat(new ArrayList<>(sorted)).as("precondition").isNotEqualTo(new ArrayList<>(shuffled));
        assertThat(fp(sorted)).isEqualTo(fp(shuffled));

        Map<String, Integer> small = new HashMap<>();
        Map<String, Integer> big = new HashMap<>(1024);
        for (String k : List.of("a", "q", "Aa", "BB", "zz", "k1", "k2")) {
            small.put(k, k.hashCode());
            big.put(k, k.hashCode());
        }
        assertThat(new ArrayList<>(small.values())).as("precondition").isNotEqualTo(new ArrayList<>(big.values()));
        assertThat(fp(small.values())).isEqualTo(fp(big.values()));
        assertThat(fp(Collections.unmodifiableCollection(small.keySet())))
                .isEqualTo(fp(Collections.unmodifiableCollection(big.keySet())));

        // a multiset: duplicates count, and it is not a set
        assertThat(fp(new PriorityQueue<>(List.of(1, 1, 2)))).isNotEqualTo(fp(new PriorityQueue<>(List.of(1, 2, 2))))
                .isNotEqualTo(fp(new PriorityQueue<>(List.of(1, 2))));
        assertThat(fp(new PriorityQueue<>(List.of(1, 2)))).isNotEqualTo(fp(Set.of(1, 2)));
    }

    @Test
    void listsDequesAndQueuesKeepTheirOrder() throws Exception {
        assertThat(fp(new ArrayDeque<>(List.of(1, 2)))).isEqualTo(fp(new ArrayDeque<>(List.of(1, 2))))
                .isNotEqualTo(fp(new ArrayDeque<>(List.of(2, 1))));
        assertThat(fp(new ConcurrentLinkedQueue<>(List.of("a", "b"))))
                .isNotEqualTo(fp(new ConcurrentLinkedQueue<>(List.of("b", "a"))));
        assertThat(fp(new java.util.LinkedList<>(List.of(1, 2)))).isNotEqualTo(fp(new java.util.LinkedList<>(List.of(2, 1))));
    }

    // ---- what held under review ----

    enum Op {
        CREDIT { }, DEBIT
    }

    @Test
    void valuesOfDifferentKindsDiffer() throws Exception {
        assertThat(fp(new char[] {'a'})).isNotEqualTo(fp("a"));
        assertThat(fp(1.0)).isNotEqualTo(fp(1));
        assertThat(fp(BigInteger.ONE)).isNotEqualTo(fp(1L));
        assertThat(fp(Map.of(1, "a"))).isNotEqualTo(fp(Map.of("1", "a")));
        assertThat(fp(Op.CREDIT)).isNotEqualTo(fp(Op.DEBIT));
        assertThat(fp(Float.NaN)).isNotEqualTo(fp(Double.NaN));
        assertThat(fp(List.of(List.of("a"), "b"))).isNotEqualTo(fp(List.of("a", List.of("b"))));
        assertThat(fp(Map.of("a", List.of()))).isNotEqualTo(fp(Map.of("a", Set.of())));
        assertThat(fp(new StringBuilder("x"))).isNotEqualTo(fp("x"));
        assertThat(fp("\uD800")).isNotEqualTo(fp("?"));
    }

    @Test
    void equalValuesAgree() throws Exception {
        assertThat(fp(new java.util.TreeSet<>(List.of("b", "a")))).isEqualTo(fp(new HashSet<>(List.of("a", "b"))));
        assertThat(fp(1)).isEqualTo(fp(1L)); // numerically equal integers: acceptable
        assertThat(fp(Double.NaN)).isEqualTo(fp(Double.longBitsToDouble(0x7ff8000000000001L)));
    }
}

package dev.idempotency.testapp;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import dev.idempotency.Idempotent;
import dev.idempotency.core.Idempotency;
import dev.idempotency.spi.StoredRecord;
import java.util.UUID;

/**
 * Result types annotated with the application's own Jackson ({@code com.fasterxml.jackson.annotation}), which the
 * agent's relocated Jackson must honour: a secret it must not store, renamed properties, a creator to decode with.
 */
public final class JacksonResults {

    private JacksonResults() {
    }

    /** Two calls with one key; prints what the caller got each time and what the store holds. */
    static void run() {
        Accounts accounts = new Accounts();
        String id = "acc-" + UUID.randomUUID();
        accounts.profile(id);
        System.out.println("jackson profile stored "
                + Idempotency.runtime().store().read("jackson-profile", id).outcome().body());
        Login first = accounts.login(id);
        Login second = accounts.login(id);
        System.out.println("jackson runs=" + accounts.runs + " first=" + first + " second=" + second
                + " replayedType=" + second.getClass().getSimpleName());
        StoredRecord record = Idempotency.runtime().store().read("jackson-login", id);
        System.out.println("jackson stored " + record.outcome().body());
        try {
            Payment payment = accounts.payment(id);
            Payment replayed = accounts.payment(id);
            System.out.println("polymorphic runs=" + accounts.paymentRuns + " first=" + payment.getClass().getSimpleName()
                    + " replayed=" + replayed.getClass().getSimpleName() + "/" + ((Card) replayed).last4 + " stored "
                    + Idempotency.runtime().store().read("jackson-payment", id).outcome().body());
        } catch (RuntimeException e) {
            System.out.println("polymorphic threw " + e);
        }
        try {
            System.out.println("databind ran " + accounts.statement(id));
        } catch (RuntimeException e) {
            System.out.println("databind threw " + e.getClass().getName() + ": " + e.getMessage()
                    + " statementRuns=" + accounts.statementRuns);
        }
    }

    public static class Accounts {
        int runs;
        int statementRuns;
        int paymentRuns;

        @Idempotent(key = "#id", namespace = "jackson-payment")
        public Payment payment(String id) {
            paymentRuns++;
            Card card = new Card();
            card.last4 = "4242";
            return card;
        }

        @Idempotent(key = "#id", namespace = "jackson-login")
        public Login login(String id) {
            runs++;
            return new Login(id.toUpperCase(), "hunter2-SECRET", 4200);
        }

        @Idempotent(key = "#id", namespace = "jackson-profile")
        public Profile profile(String id) {
            Profile profile = new Profile();
            profile.user = id;
            profile.apiToken = "tok-SECRET-" + id;
            return profile;
        }

        @Idempotent(key = "#id")
        public Statement statement(String id) {
            statementRuns++;
            return new Statement();
        }
    }

    /** Not a record, two constructors: only {@code @JsonCreator} says which one decodes. */
    public static class Login {
        @JsonProperty("account_no")
        private String accountNo;
        @JsonIgnore
        private String password;
        private long amountCents;

        @JsonCreator
        public Login(@JsonProperty("account_no") String accountNo, @JsonProperty("amount_cents") long amountCents) {
            this(accountNo, null, amountCents);
        }

        public Login(String accountNo, String password, long amountCents) {
            this.accountNo = accountNo;
            this.password = password;
            this.amountCents = amountCents;
        }

        public String getAccountNo() {
            return accountNo;
        }

        public String getPassword() {
            return password;
        }

        @JsonProperty("amount_cents")
        public long getAmountCents() {
            return amountCents;
        }

        @Override
        public String toString() {
            return accountNo + "/" + password + "/" + amountCents;
        }
    }

    /** A plain bean: the only thing between its secret and the store is {@code @JsonIgnore}. */
    public static class Profile {
        public String user;
        @JsonIgnore
        public String apiToken;
    }

    /** Polymorphic as the application declares it: by name, among the subtypes it lists. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    @JsonSubTypes(@JsonSubTypes.Type(value = Card.class, name = "card"))
    public abstract static class Payment {
    }

    public static class Card extends Payment {
        public String last4;
    }

    /** A serializer class of the application's Jackson, which a relocated Jackson cannot run. */
    public static class Statement {
        @JsonSerialize(using = ToStringSerializer.class)
        public long balance = 7;
    }
}

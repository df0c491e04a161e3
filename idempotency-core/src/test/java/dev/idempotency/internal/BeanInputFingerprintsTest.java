package dev.idempotency.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonPOJOBuilder;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A bean's fingerprint covers every property a request can carry in, not only those Jackson writes out: a property
 * that is set but never echoed back (a destination account, a card token) is exactly the one that must not be
 * dropped, or another request's result is replayed. One that cannot be read refuses the type.
 */
class BeanInputFingerprintsTest {

    private static String fp(Object... args) {
        return Fingerprints.of(args);
    }

    /** Input-only, the usual way to keep a value out of responses and logs. */
    public static class PayWriteOnly {
        public String requestId;
        @JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
        public String toAccount;

        public PayWriteOnly(String requestId, String toAccount) {
            this.requestId = requestId;
            this.toAccount = toAccount;
        }
    }

    /** Immutable, built by Jackson through its creator; {@code to} has no getter. */
    public static class PayCreatorOnly {
        private final String requestId;
        private final String to;
        private final BigDecimal amount;

        @JsonCreator
        public PayCreatorOnly(@JsonProperty("requestId") String requestId, @JsonProperty("to") String to,
                              @JsonProperty("amount") BigDecimal amount) {
            this.requestId = requestId;
            this.to = to;
            this.amount = amount;
        }

        public String getRequestId() {
            return requestId;
        }

        public BigDecimal getAmount() {
            return amount;
        }
    }

    /** Mutable, the destination with a setter only. */
    public static class PaySetterOnly {
        private String requestId;
        private String to;

        public String getRequestId() {
            return requestId;
        }

        public void setRequestId(String requestId) {
            this.requestId = requestId;
        }

        public void setTo(String to) {
            this.to = to;
        }

        static PaySetterOnly of(String requestId, String to) {
            PaySetterOnly p = new PaySetterOnly();
            p.setRequestId(requestId);
            p.setTo(to);
            return p;
        }
    }

    /** Keeps unknown fields (a newer client's) through @JsonAnySetter, and writes them back. */
    public static class PayWithExtras {
        public String requestId;
        private final Map<String, Object> extra = new LinkedHashMap<>();

        @JsonAnySetter
        public void set(String name, Object value) {
            extra.put(name, value);
        }

        @JsonAnyGetter
        public Map<String, Object> extra() {
            return extra;
        }
    }

    /** The any-setter is the map field itself. */
    public static class PayWithExtrasField {
        public String requestId;
        @JsonAnySetter
        private final Map<String, Object> extra = new LinkedHashMap<>();
    }

    /** Takes extra fields in and never gives them back. */
    public static class PayExtrasSwallowed {
        public String requestId;
        private final Map<String, Object> extra = new LinkedHashMap<>();

        @JsonAnySetter
        public void set(String name, Object value) {
            extra.put(name, value);
        }
    }

    /** The PIN is hidden from output but still accepted: @JsonIgnore on the getter, @JsonProperty on the setter. */
    public static class PayWithPin {
        public String requestId;
        private String pin;

        @JsonIgnore
        public String getPin() {
            return pin;
        }

        @JsonProperty
        public void setPin(String pin) {
            this.pin = pin;
        }

        static PayWithPin of(String requestId, String pin) {
            PayWithPin p = new PayWithPin();
            p.requestId = requestId;
            p.setPin(pin);
            return p;
        }
    }

    /** The same through the class annotation. */
    @JsonIgnoreProperties(value = "secret", allowSetters = true)
    public static class PayWithSecret {
        public String requestId;
        public String secret;

        PayWithSecret(String requestId, String secret) {
            this.requestId = requestId;
            this.secret = secret;
        }
    }

    /** Shows its bank, not its IBAN. */
    public static class Destination {
        private final String bank;
        private final String iban;

        @JsonCreator
        public Destination(@JsonProperty("bank") String bank, @JsonProperty("iban") String iban) {
            this.bank = bank;
            this.iban = iban;
        }

        public String getBank() {
            return bank;
        }
    }

    /** The destination's properties are read in at the top level. */
    public static class PayUnwrapped {
        public String requestId;
        @JsonUnwrapped
        public Destination to;

        static PayUnwrapped of(String requestId, String iban) {
            PayUnwrapped p = new PayUnwrapped();
            p.requestId = requestId;
            p.to = new Destination("B1", iban);
            return p;
        }
    }

    /** Hidden both ways: not part of the request (a cache, a parsed view). */
    public static class PayWithCache {
        public String requestId;
        @JsonIgnore
        public String cache;
        public transient String parsed;

        static PayWithCache of(String requestId, String cache, String parsed) {
            PayWithCache p = new PayWithCache();
            p.requestId = requestId;
            p.cache = cache;
            p.parsed = parsed;
            return p;
        }
    }

    /**
     * A constructor Jackson would use (its parameters' names are compiled in) whose parameter is kept under another
     * name: it takes {@code to} in, and nothing named {@code to} can be read back.
     */
    public static class PayConstructorRenamed {
        private final String requestId;
        private final String destination;

        public PayConstructorRenamed(String requestId, String to) {
            this.requestId = requestId;
            this.destination = to;
        }

        public String getRequestId() {
            return requestId;
        }
    }

    /** A setter that stores somewhere no name leads to: nothing to read back. */
    public static class PayRenamedField {
        public String requestId;
        private String destination;

        public void setTo(String to) {
            this.destination = to;
        }
    }

    /** Built through a builder; the value class has a getter for the id only. */
    @JsonDeserialize(builder = PayBuilt.Builder.class)
    public static final class PayBuilt {
        private final String requestId;
        private final String to;

        PayBuilt(String requestId, String to) {
            this.requestId = requestId;
            this.to = to;
        }

        public String getRequestId() {
            return requestId;
        }

        @JsonPOJOBuilder(withPrefix = "")
        public static final class Builder {
            private String requestId;
            private String to;

            public Builder requestId(String requestId) {
                this.requestId = requestId;
                return this;
            }

            public Builder to(String to) {
                this.to = to;
                return this;
            }

            public PayBuilt build() {
                return new PayBuilt(requestId, to);
            }
        }
    }

    @Test
    void aWriteOnlyPropertyIsPartOfTheFingerprint() {
        assertThat(fp(new PayWriteOnly("r1", "alice"))).isEqualTo(fp(new PayWriteOnly("r1", "alice")))
                .isNotEqualTo(fp(new PayWriteOnly("r1", "mallory")));
    }

    @Test
    void aCreatorPropertyWithoutAGetterIsReadFromItsField() {
        assertThat(fp(new PayCreatorOnly("r1", "alice", BigDecimal.TEN)))
                .isEqualTo(fp(new PayCreatorOnly("r1", "alice", new BigDecimal("10.0"))))
                .isNotEqualTo(fp(new PayCreatorOnly("r1", "mallory", BigDecimal.TEN)));
    }

    @Test
    void aSetterOnlyPropertyIsReadFromItsField() {
        assertThat(fp(PaySetterOnly.of("r1", "alice"))).isEqualTo(fp(PaySetterOnly.of("r1", "alice")))
                .isNotEqualTo(fp(PaySetterOnly.of("r1", "mallory")));
    }

    @Test
    void aBuildersPropertyWithoutAGetterIsReadFromTheValuesField() {
        assertThat(fp(new PayBuilt("r1", "alice"))).isEqualTo(fp(new PayBuilt("r1", "alice")))
                .isNotEqualTo(fp(new PayBuilt("r1", "mallory")));
    }

    @Test
    void propertiesHiddenFromOutputButAcceptedOnInputCount() {
        assertThat(fp(PayWithPin.of("r1", "1234"))).isEqualTo(fp(PayWithPin.of("r1", "1234")))
                .isNotEqualTo(fp(PayWithPin.of("r1", "9999")));
        assertThat(fp(new PayWithSecret("r1", "a"))).isEqualTo(fp(new PayWithSecret("r1", "a")))
                .isNotEqualTo(fp(new PayWithSecret("r1", "b")));
    }

    @Test
    void anUnwrappedPropertyCountsWithItsOwnInputOnlyState() {
        assertThat(fp(PayUnwrapped.of("r1", "DE01"))).isEqualTo(fp(PayUnwrapped.of("r1", "DE01")))
                .isNotEqualTo(fp(PayUnwrapped.of("r1", "DE02")));
    }

    @Test
    void extraPropertiesCountThroughTheAnyGetterOrTheAnySetterField() {
        PayWithExtras a = new PayWithExtras();
        a.requestId = "r1";
        a.set("amount", 10);
        PayWithExtras b = new PayWithExtras();
        b.requestId = "r1";
        b.set("amount", 10_000);
        PayWithExtras c = new PayWithExtras();
        c.requestId = "r1";
        c.set("amount", 10);
        assertThat(fp(a)).isEqualTo(fp(c)).isNotEqualTo(fp(b));

        PayWithExtrasField d = new PayWithExtrasField();
        d.requestId = "r1";
        d.extra.put("amount", 10);
        PayWithExtrasField e = new PayWithExtrasField();
        e.requestId = "r1";
        e.extra.put("amount", 10_000);
        assertThat(fp(d)).isNotEqualTo(fp(e));
    }

    @Test
    void inputThatCannotBeReadBackRefusesTheTypeNamingTheProperty() {
        PayExtrasSwallowed swallowed = new PayExtrasSwallowed();
        swallowed.requestId = "r1";
        assertThatThrownBy(() -> fp(swallowed)).isInstanceOf(UnreadablePayloadException.class)
                .hasMessageContaining(PayExtrasSwallowed.class.getName()).hasMessageContaining("@JsonAnySetter")
                .hasMessageContaining("@JsonAnyGetter");
        PayRenamedField renamed = new PayRenamedField();
        renamed.requestId = "r1";
        renamed.setTo("alice");
        assertThatThrownBy(() -> fp(renamed)).isInstanceOf(UnreadablePayloadException.class)
                .hasMessageContaining(PayRenamedField.class.getName()).hasMessageContaining("'to'")
                .hasMessageContaining("setter setTo").hasMessageContaining("getter");
        assertThat(PayloadLayouts.problemOfDeclaredType(PayRenamedField.class)).contains("'to'");
        assertThat(PayloadLayouts.problemOfDeclaredType(PayConstructorRenamed.class)).contains("'to'")
                .contains("creator parameter");
    }

    @Test
    void propertiesHiddenBothWaysStayOut() {
        assertThat(fp(PayWithCache.of("r1", "x", "y"))).isEqualTo(fp(PayWithCache.of("r1", "other", "other")))
                .isNotEqualTo(fp(PayWithCache.of("r2", "x", "y")));
    }
}

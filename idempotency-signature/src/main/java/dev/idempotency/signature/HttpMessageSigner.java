package dev.idempotency.signature;

import dev.idempotency.signature.internal.StructuredFields;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Signs messages per RFC 9421, adding {@code Content-Digest} (RFC 9530, sha-256) for a body that has none. Covers
 * {@code @method} and {@code @target-uri} of a request, then whichever of {@code content-type},
 * {@code content-digest}, {@code idempotency-key} and the fields named in {@link Builder#cover} the message carries;
 * parameters {@code created}, {@code nonce} (128 random bits), {@code keyid}, {@code alg}, and {@code expires} when
 * configured. That is exactly what {@link SignatureVerifier} requires by default.
 *
 * <p>How a client signs: build the signer once, then sign every attempt and set the returned fields on it. A retry
 * is signed again (new {@code created} and nonce) with the same body and {@code Idempotency-Key}.
 * {@code IdempotentHttpClient} in the idempotency-client module does this for each attempt when given the signer.
 *
 * <pre>{@code
 * RequestSigner signer = HttpMessageSigner.builder(SigningKey.hmacSha256("client-1", secret))
 *         .expiresAfter(Duration.ofMinutes(1))   // optional
 *         .build();
 * byte[] body = "{\"amount\":100}".getBytes(StandardCharsets.UTF_8);
 * Map<String, List<String>> headers = Map.of(
 *         "Content-Type", List.of("application/json"),
 *         "Idempotency-Key", List.of(key));
 * Map<String, String> fields = signer.sign(
 *         SignedRequest.of("POST", URI.create("https://pay.example/transfers"), headers, body));
 * // fields: Content-Digest, Signature-Input, Signature; set each on the outgoing request
 * }</pre>
 *
 * <p>A signer is immutable and thread-safe, provided its clock and nonce supplier are.
 */
public final class HttpMessageSigner implements RequestSigner {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final List<String> DEFAULT_FIELDS = List.of("content-type", "content-digest", "idempotency-key");

    private final SigningKey key;
    private final String label;
    private final Clock clock;
    private final Supplier<String> nonces;
    private final Duration expiresAfter;
    private final List<String> fields;

    private HttpMessageSigner(Builder b) {
        this.key = b.key;
        this.label = b.label;
        this.clock = b.clock;
        this.nonces = b.nonces;
        this.expiresAfter = b.expiresAfter;
        this.fields = List.copyOf(b.fields);
    }

    /**
     * Starts a signer for this key.
     *
     * @param key the key to sign with; its key id and algorithm are sent as {@code keyid} and {@code alg}
     * @return a builder with the defaults: label {@code sig}, the system UTC clock, random nonces, no
     *         {@code expires}, covering {@code content-type}, {@code content-digest} and {@code idempotency-key}
     * @throws NullPointerException if {@code key} is null
     */
    public static Builder builder(SigningKey key) {
        return new Builder(key);
    }

    /**
     * {@inheritDoc}
     *
     * <p>Returns {@code Content-Digest} first when the message has a body and no such field, then
     * {@code Signature-Input} and {@code Signature} under this signer's label.
     *
     * @throws IllegalArgumentException if the message cannot be signed, for example when a covered component cannot
     *         be derived from it
     */
    @Override
    public Map<String, String> sign(SignedMessage message) {
        Map<String, String> out = new LinkedHashMap<>();
        SignedMessage signed = message;
        if (message.body().length > 0 && message.headerValues("content-digest").isEmpty()) {
            String digest = ContentDigest.sha256(message.body());
            out.put("Content-Digest", digest);
            signed = withField(message, "content-digest", digest);
        }
        List<String> components = new ArrayList<>();
        if (signed instanceof SignedRequest) {
            components.add("@method");
            components.add("@target-uri");
        }
        for (String field : fields) {
            if (!signed.headerValues(field).isEmpty()) {
                components.add(field);
            }
        }
        Map<String, Object> params = new LinkedHashMap<>();
        long created = clock.instant().getEpochSecond();
        params.put("created", created);
        if (expiresAfter != null) {
            params.put("expires", created + expiresAfter.toSeconds());
        }
        params.put("nonce", nonces.get());
        params.put("keyid", key.keyId());
        params.put("alg", key.algorithm().id());
        List<StructuredFields.Item> items = new ArrayList<>();
        for (String c : components) {
            items.add(new StructuredFields.Item(c, Map.of()));
        }
        StructuredFields.InnerList input = new StructuredFields.InnerList(items, params);
        byte[] base;
        try {
            base = SignatureBase.build(signed, components, input);
        } catch (SignatureBase.Failure e) {
            throw new IllegalArgumentException("cannot sign this message: " + e.getMessage());
        }
        byte[] signature = key.sign(base);
        out.put("Signature-Input", label + "=" + StructuredFields.serialize(input));
        out.put("Signature", label + "=:" + Base64.getEncoder().encodeToString(signature) + ":");
        return out;
    }

    /** The message with one more field, keeping it a request if it was one. */
    static SignedMessage withField(SignedMessage message, String name, String value) {
        if (message instanceof SignedRequest request) {
            return new SignedRequest() {
                @Override
                public String method() {
                    return request.method();
                }

                @Override
                public URI targetUri() {
                    return request.targetUri();
                }

                @Override
                public List<String> headerValues(String n) {
                    return n.equalsIgnoreCase(name) ? List.of(value) : request.headerValues(n);
                }

                @Override
                public byte[] body() {
                    return request.body();
                }
            };
        }
        return new SignedMessage() {
            @Override
            public List<String> headerValues(String n) {
                return n.equalsIgnoreCase(name) ? List.of(value) : message.headerValues(n);
            }

            @Override
            public byte[] body() {
                return message.body();
            }
        };
    }

    @Override
    public String toString() {
        return "HttpMessageSigner[" + label + ", " + key + "]";
    }

    /** Settings, each checked when given. */
    public static final class Builder {
        private final SigningKey key;
        private String label = "sig";
        private Clock clock = Clock.systemUTC();
        private Supplier<String> nonces = () -> {
            byte[] bytes = new byte[16];
            RANDOM.nextBytes(bytes);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        };
        private Duration expiresAfter;
        private final List<String> fields = new ArrayList<>(DEFAULT_FIELDS);

        private Builder(SigningKey key) {
            this.key = Objects.requireNonNull(key, "key");
        }

        /**
         * The signature's label in the {@code Signature-Input} and {@code Signature} dictionaries.
         *
         * @param label a structured field key: lowercase letters, digits, {@code _ - . *}; default {@code sig}
         * @return this builder
         * @throws IllegalArgumentException if {@code label} is null or not a valid key
         */
        public Builder label(String label) {
            if (label == null || !label.matches("[a-z*][a-z0-9_\\-.*]*")) {
                throw new IllegalArgumentException("a label is a structured field key (lowercase), but was " + label);
            }
            this.label = label;
            return this;
        }

        /**
         * The clock {@code created} (and {@code expires}) is read from, in whole seconds.
         *
         * @param clock the clock; default {@link Clock#systemUTC()}
         * @return this builder
         * @throws NullPointerException if {@code clock} is null
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Where nonces come from. The verifier refuses a nonce it has seen under the same key id, so each must be
         * new; the supplier is called once per signature and, if the signer is shared, concurrently.
         *
         * @param nonces the supplier; default 128 bits from {@link SecureRandom}, base64url without padding
         * @return this builder
         * @throws NullPointerException if {@code nonces} is null
         */
        public Builder nonces(Supplier<String> nonces) {
            this.nonces = Objects.requireNonNull(nonces, "nonces");
            return this;
        }

        /**
         * Adds {@code expires} this long after {@code created}, truncated to whole seconds; default none (then
         * only the verifier's window limits the signature's life).
         *
         * @param duration a positive duration
         * @return this builder
         * @throws IllegalArgumentException if {@code duration} is null, zero or negative
         */
        public Builder expiresAfter(Duration duration) {
            if (duration == null || duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException("expiresAfter must be positive, but was " + duration);
            }
            this.expiresAfter = duration;
            return this;
        }

        /**
         * More header fields to cover when the message carries them (e.g. {@code authorization}, {@code date}).
         * Names are lowercased; names already covered are not added twice.
         *
         * @param fieldNames header field names, not derived components (no {@code @} prefix)
         * @return this builder
         * @throws IllegalArgumentException if a name is null, empty or starts with {@code @}
         */
        public Builder cover(String... fieldNames) {
            for (String f : fieldNames) {
                if (f == null || f.isEmpty() || f.startsWith("@")) {
                    throw new IllegalArgumentException("cover takes header field names, but got " + f);
                }
                String lower = f.toLowerCase(Locale.ROOT);
                if (!fields.contains(lower)) {
                    fields.add(lower);
                }
            }
            return this;
        }

        /**
         * The signer with these settings.
         *
         * @return a new immutable signer
         */
        public HttpMessageSigner build() {
            return new HttpMessageSigner(this);
        }
    }
}

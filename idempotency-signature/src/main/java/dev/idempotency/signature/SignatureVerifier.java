package dev.idempotency.signature;

import dev.idempotency.signature.internal.Crypto;
import dev.idempotency.signature.internal.StructuredFields;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Verifies signed messages against forgery, tampering and replay. A message passes when, in this order:
 * <ol>
 *   <li>its {@code Signature-Input} and {@code Signature} parse (else {@code MALFORMED}, 400);</li>
 *   <li>one of its signatures names a key id the {@link KeyResolver} knows: the one under the configured
 *       {@link Builder#label label}, or else the first in {@code Signature-Input} order with a known key id. Only
 *       that one is verified; the others (a proxy's, a signature for another party) are left alone;</li>
 *   <li>it covers {@code @method} and {@code @target-uri} (requests), {@code content-digest} (when there is a body),
 *       {@code idempotency-key} (when the message has one) and any component the policy adds, and carries
 *       {@code created} and {@code nonce};</li>
 *   <li>{@code created} is within the window of the server's clock either way (default &plusmn;120 s: enough for
 *       ordinary clock drift and a slow network, short enough that the nonces to remember stay few), and
 *       {@code expires}, if given, has not passed;</li>
 *   <li>the signature verifies with one of the key id's keys (several during a rotation), with {@code alg}, if
 *       given, matching that key; HMACs are compared in constant time;</li>
 *   <li>the body matches its {@code Content-Digest};</li>
 *   <li>the nonce is new to the {@link NonceRegistry}, which keeps it for twice the window.</li>
 * </ol>
 * Parameters the RFC does not define (and {@code tag}) are signed along with the rest, as the signature base
 * includes them verbatim, and otherwise ignored.
 *
 * <p>Without {@code Signature-Input}, and when a {@link LegacyScheme} is configured and its sign header is present,
 * the legacy scheme is checked with the same keys, window and nonce registry.
 *
 * <p>The verifier is immutable and thread-safe; build it once.
 *
 * <pre>{@code
 * SignatureVerifier verifier = SignatureVerifier.builder()
 *         .keys(KeyResolver.of(Map.of(
 *                 "client-1", List.of(VerificationKey.hmacSha256(secret)),
 *                 "partner-7", List.of(VerificationKey.parse("ed25519:MCowBQYDK2VwAyEA...")))))
 *         .nonces(sharedRegistry)                 // behind several servers; default: in memory
 *         .window(Duration.ofSeconds(60))
 *         .build();
 *
 * // per request, on any thread
 * Verification result = verifier.verify(SignedRequest.of(method, targetUri, headers, body));
 * if (result instanceof Verification.Refused refused) {
 *     answer(refused.httpStatus(), refused.message());   // 400 or 401; the message is safe to send
 *     return;
 * }
 * String client = ((Verification.Verified) result).keyId();
 * }</pre>
 *
 * <p>Code that prefers exceptions calls {@link Verification#orThrow()}. The same settings can come from
 * configuration through {@link Builder#properties(Map)}.
 */
public final class SignatureVerifier {

    /** The default window either side of the server's time for {@code created}. */
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(120);

    private static final String PREFIX = "idempotency.signature.";
    private static final int MAX_NONCE_LENGTH = 255;

    private final KeyResolver keys;
    private final NonceRegistry nonces;
    private final Clock clock;
    private final Duration window;
    private final Duration nonceTtl;
    private final String label;
    private final List<String> required;
    private final LegacyScheme legacy;

    private SignatureVerifier(Builder b) {
        this.keys = Objects.requireNonNull(b.keys, "keys: a KeyResolver or idempotency.signature.keys.* settings");
        this.clock = b.clock;
        this.nonces = b.nonces != null ? b.nonces : NonceRegistry.inMemory(b.clock);
        this.window = b.window;
        this.nonceTtl = b.window.multipliedBy(2);
        this.label = b.label;
        this.required = List.copyOf(b.required);
        this.legacy = b.legacy;
    }

    /**
     * Starts a verifier. Keys are required, by {@link Builder#keys} or {@link Builder#properties}.
     *
     * @return a builder with the defaults: window of {@link #DEFAULT_WINDOW}, the system UTC clock, an in-memory
     *         nonce registry, any label, no extra components, no legacy scheme
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * How far a signature's {@code created} may lie from the server's time, either way.
     *
     * @return the window, in whole seconds
     */
    public Duration window() {
        return window;
    }

    /**
     * Verifies a message or request, in the order described above, and claims its nonce if it passes. Never throws
     * for anything the message holds: a missing, malformed or failing signature is a {@link Verification.Refused}.
     * Safe to call from any number of threads.
     *
     * @param message the message; a {@link SignedRequest} when the signatures cover request components such as
     *        {@code @method}
     * @return {@link Verification.Verified} or {@link Verification.Refused}, never null
     */
    public Verification verify(SignedMessage message) {
        Instant now = clock.instant();
        try {
            List<String> inputs = message.headerValues("signature-input");
            List<String> signatures = message.headerValues("signature");
            if (inputs.isEmpty() && signatures.isEmpty()) {
                if (legacy != null && message.header(legacy.signHeader()) != null) {
                    return verifyLegacy(message, now);
                }
                return refuse(Verification.Reason.MISSING_SIGNATURE, "the request is not signed", now);
            }
            if (inputs.isEmpty() || signatures.isEmpty()) {
                return refuse(Verification.Reason.MALFORMED, "Signature-Input and Signature must come together", now);
            }
            Map<String, Object> inputDict = parse(inputs, "Signature-Input");
            Map<String, Object> signatureDict = parse(signatures, "Signature");
            return verify(message, inputDict, signatureDict, now);
        } catch (SignatureBase.Failure f) {
            return refuse(f.reason, f.getMessage(), now);
        }
    }

    private Verification verify(SignedMessage message, Map<String, Object> inputDict, Map<String, Object> sigDict,
                                Instant now) {
        String chosen = null;
        String keyId = null;
        List<VerificationKey> candidates = List.of();
        for (Map.Entry<String, Object> e : inputDict.entrySet()) {
            if (label != null && !label.equals(e.getKey())) {
                continue;
            }
            if (!(e.getValue() instanceof StructuredFields.InnerList list)) {
                throw malformed("Signature-Input " + e.getKey() + " is not an inner list");
            }
            Object id = list.params().get("keyid");
            if (id != null && !(id instanceof String)) {
                throw malformed("keyid of " + e.getKey() + " is not a string");
            }
            List<VerificationKey> found = id == null ? List.of() : keys.keys((String) id);
            if (!found.isEmpty()) {
                chosen = e.getKey();
                keyId = (String) id;
                candidates = found;
                break;
            }
            if (label != null) {
                return refuse(Verification.Reason.UNKNOWN_KEY, "signature " + label + " names "
                        + (id == null ? "no keyid" : "unknown keyid \"" + id + "\""), now);
            }
        }
        if (chosen == null) {
            return label != null
                    ? refuse(Verification.Reason.MISSING_SIGNATURE, "no signature labelled " + label, now)
                    : refuse(Verification.Reason.UNKNOWN_KEY, "no signature names a known keyid", now);
        }
        StructuredFields.InnerList input = (StructuredFields.InnerList) inputDict.get(chosen);
        if (!(sigDict.get(chosen) instanceof StructuredFields.Item sigItem
                && sigItem.value() instanceof StructuredFields.Bytes signature)) {
            throw malformed("Signature has no byte sequence labelled " + chosen);
        }
        Map<String, Object> params = input.params();
        Long created = integerParam(params, "created");
        Long expires = integerParam(params, "expires");
        Object nonceValue = params.get("nonce");
        if (nonceValue != null && !(nonceValue instanceof String)) {
            throw malformed("nonce is not a string");
        }
        Object alg = params.get("alg");
        if (alg != null && !(alg instanceof String)) {
            throw malformed("alg is not a string");
        }
        String nonce = (String) nonceValue;
        if (nonce != null && (nonce.isEmpty() || nonce.length() > MAX_NONCE_LENGTH)) {
            throw malformed("nonce must be 1 to " + MAX_NONCE_LENGTH + " characters");
        }

        List<String> components = SignatureBase.componentNames(input);
        List<String> missing = missing(message, components, created, nonce);
        if (missing != null) {
            return refuse(Verification.Reason.INSUFFICIENT_COVERAGE, "signature " + chosen + " must cover "
                    + String.join(", ", missing), now);
        }

        Verification.Refused stale = checkTime(created, expires, now);
        if (stale != null) {
            return stale;
        }

        byte[] base = SignatureBase.build(message, components, input);
        boolean good = false;
        for (VerificationKey key : candidates) {
            if ((alg == null || key.algorithm().id().equals(alg)) && key.verifies(base, signature.value())) {
                good = true;
                break;
            }
        }
        if (!good) {
            return refuse(Verification.Reason.BAD_SIGNATURE, "signature " + chosen + " does not verify with the keys"
                    + " of keyid \"" + keyId + "\"" + (alg == null ? "" : " and alg " + alg), now);
        }

        if (components.contains("content-digest")) {
            List<String> digests = message.headerValues("content-digest");
            String digest = digests.size() == 1 ? digests.get(0) : String.join(", ", digests);
            switch (ContentDigest.check(digest, message.body())) {
                case MATCH -> { }
                case MISMATCH -> {
                    return refuse(Verification.Reason.DIGEST_MISMATCH, "the body does not match Content-Digest", now);
                }
                case UNUSABLE -> throw malformed("Content-Digest offers no sha-256 or sha-512 byte sequence");
            }
        }
        if (!nonces.claimOnce(keyId, nonce, nonceTtl)) {
            return refuse(Verification.Reason.NONCE_REUSED, "nonce already used: a replay", now);
        }
        return new Verification.Verified(keyId, chosen, Instant.ofEpochSecond(created), nonce, components);
    }

    /** What the policy requires and the signature lacks, or null when nothing is missing (the common case). */
    private List<String> missing(SignedMessage message, List<String> components, Long created, String nonce) {
        boolean request = message instanceof SignedRequest;
        List<String> missing = null;
        missing = lacks(components, request ? "@method" : null, missing);
        missing = lacks(components, request ? "@target-uri" : null, missing);
        missing = lacks(components, message.body().length > 0 ? "content-digest" : null, missing);
        missing = lacks(components, message.headerValues("idempotency-key").isEmpty() ? null : "idempotency-key",
                missing);
        for (String c : required) {
            missing = lacks(components, !c.startsWith("@") || request ? c : null, missing);
        }
        missing = lacks(components, created == null ? ";created" : null, missing);
        return lacks(components, nonce == null ? ";nonce" : null, missing);
    }

    private static List<String> lacks(List<String> components, String needed, List<String> missing) {
        if (needed == null || components.contains(needed) || (missing != null && missing.contains(needed))) {
            return missing;
        }
        List<String> more = missing == null ? new ArrayList<>() : missing;
        more.add(needed);
        return more;
    }

    private Verification.Refused checkTime(long created, Long expires, Instant now) {
        long skew = now.getEpochSecond() - created;
        if (Math.abs(skew) > window.toSeconds()) {
            return new Verification.Refused(Verification.Reason.OUTSIDE_WINDOW, "created " + Instant.ofEpochSecond(created)
                    + " is " + Math.abs(skew) + " s " + (skew > 0 ? "behind" : "ahead of") + " the server's time "
                    + now + "; the window is " + window.toSeconds() + " s", now);
        }
        if (expires != null && now.getEpochSecond() > expires) {
            return new Verification.Refused(Verification.Reason.OUTSIDE_WINDOW, "the signature expired at "
                    + Instant.ofEpochSecond(expires) + "; the server's time is " + now, now);
        }
        return null;
    }

    private Verification verifyLegacy(SignedMessage message, Instant now) {
        if (!(message instanceof SignedRequest request)) {
            throw malformed("the legacy scheme signs HTTP requests only");
        }
        String sign = message.header(legacy.signHeader()).strip();
        String timestamp = message.header(legacy.timestampHeader());
        if (timestamp == null || !timestamp.strip().matches("[0-9]{1,12}")) {
            throw malformed("legacy signature: " + legacy.timestampHeader() + " must be Unix seconds");
        }
        timestamp = timestamp.strip();
        String nonce = message.header(legacy.nonceHeader());
        if (nonce != null) {
            nonce = nonce.strip();
            if (nonce.isEmpty() || nonce.length() > MAX_NONCE_LENGTH) {
                throw malformed("legacy signature: " + legacy.nonceHeader() + " must be 1 to " + MAX_NONCE_LENGTH
                        + " characters");
            }
        }
        String keyId = legacy.keyIdOf(message);
        if (keyId == null) {
            return refuse(Verification.Reason.UNKNOWN_KEY, "legacy signature names no key id", now);
        }
        List<VerificationKey> secrets = new ArrayList<>();
        for (VerificationKey k : keys.keys(keyId)) {
            if (k.secret() != null) {
                secrets.add(k);
            }
        }
        if (secrets.isEmpty()) {
            return refuse(Verification.Reason.UNKNOWN_KEY, "no shared secret for keyid \"" + keyId + "\"", now);
        }
        long created = Long.parseLong(timestamp);
        Verification.Refused stale = checkTime(created, null, now);
        if (stale != null) {
            return stale;
        }
        String canonical = LegacyScheme.canonical(request, timestamp, nonce);
        byte[] given = Crypto.unhex(sign);
        boolean good = false;
        for (VerificationKey k : secrets) {
            if (given != null && Crypto.equal(legacy.digest(canonical, k.secret(), k.hmacCopy()), given)) {
                good = true;
                break;
            }
        }
        if (!good) {
            return refuse(Verification.Reason.BAD_SIGNATURE, "legacy " + legacy.algorithm() + " signature does not"
                    + " verify with the keys of keyid \"" + keyId + "\"", now);
        }
        String claimed = nonce != null ? "legacy-nonce:" + nonce : "legacy-sign:" + sign.toLowerCase(Locale.ROOT);
        if (!nonces.claimOnce(keyId, claimed, nonceTtl)) {
            return refuse(Verification.Reason.NONCE_REUSED, "legacy signature already used: a replay", now);
        }
        return new Verification.Verified(keyId, "legacy", Instant.ofEpochSecond(created), claimed,
                List.of("legacy:" + legacy.algorithm().name().toLowerCase(Locale.ROOT)));
    }

    /**
     * The library's one duration syntax: a whole number with a unit ({@code ms}, {@code s}, {@code m}, {@code h},
     * {@code d}) or ISO-8601; a bare number is refused, since nobody can tell its unit.
     */
    static Duration duration(String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,9})(ms|s|m|h|d)").matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("expected a duration such as 120s, 2m or PT2M, but was " + text);
        }
    }

    private static Map<String, Object> parse(List<String> lines, String field) {
        try {
            return StructuredFields.parseDictionary(lines.size() == 1 ? lines.get(0) : String.join(", ", lines));
        } catch (IllegalArgumentException e) {
            throw malformed(field + " is not a structured field dictionary: " + e.getMessage());
        }
    }

    private static Long integerParam(Map<String, Object> params, String name) {
        Object v = params.get(name);
        if (v != null && !(v instanceof Long)) {
            throw malformed(name + " is not an integer");
        }
        return (Long) v;
    }

    private static SignatureBase.Failure malformed(String message) {
        return new SignatureBase.Failure(Verification.Reason.MALFORMED, message);
    }

    private static Verification.Refused refuse(Verification.Reason reason, String message, Instant now) {
        return new Verification.Refused(reason, message, now);
    }

    @Override
    public String toString() {
        return "SignatureVerifier[window=" + window + ", label=" + label + ", legacy=" + legacy + "]";
    }

    /** Settings, each checked when given. */
    public static final class Builder {
        private KeyResolver keys;
        private NonceRegistry nonces;
        private Clock clock = Clock.systemUTC();
        private Duration window = DEFAULT_WINDOW;
        private String label;
        private final List<String> required = new ArrayList<>();
        private LegacyScheme legacy;

        private Builder() {
        }

        /**
         * Where keys come from (required, or from {@link #properties}).
         *
         * @param keys the resolver, called once per verification
         * @return this builder
         * @throws NullPointerException if {@code keys} is null
         */
        public Builder keys(KeyResolver keys) {
            this.keys = Objects.requireNonNull(keys, "keys");
            return this;
        }

        /**
         * Where nonces are remembered; default {@link NonceRegistry#inMemory} on this builder's clock, which guards
         * one process only. Each nonce is claimed for twice the window.
         *
         * @param nonces the registry, shared by all servers that accept the same keys
         * @return this builder
         * @throws NullPointerException if {@code nonces} is null
         */
        public Builder nonces(NonceRegistry nonces) {
            this.nonces = Objects.requireNonNull(nonces, "nonces");
            return this;
        }

        /**
         * The server's clock, for the window and the refusal's server time.
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
         * How far {@code created} may be from now, either way. Nonces are kept for twice this long.
         *
         * @param window whole seconds, from 1 s to 1 h; default 120 s
         * @return this builder
         * @throws IllegalArgumentException if {@code window} is null, has a fraction of a second, or is outside that
         *         range
         */
        public Builder window(Duration window) {
            if (window == null || window.toSeconds() < 1 || window.compareTo(Duration.ofHours(1)) > 0
                    || window.getNano() != 0) {
                throw new IllegalArgumentException("window must be whole seconds from PT1S to PT1H, but was " + window);
            }
            this.window = window;
            return this;
        }

        /**
         * Verify only the signature under this label.
         *
         * @param label a structured field key (lowercase), or null for the default: the first signature whose key id
         *        is known
         * @return this builder
         * @throws IllegalArgumentException if {@code label} is not a valid key
         */
        public Builder label(String label) {
            if (label != null && !label.matches("[a-z*][a-z0-9_\\-.*]*")) {
                throw new IllegalArgumentException("a label is a structured field key (lowercase), but was " + label);
            }
            this.label = label;
            return this;
        }

        /**
         * Components every signature must cover besides the defaults; a signature lacking one is refused as
         * {@link Verification.Reason#INSUFFICIENT_COVERAGE}. Adds to any required before.
         *
         * @param components lowercase component names, e.g. {@code "content-type"} or {@code "@authority"}
         * @return this builder
         * @throws IllegalArgumentException if a name is null, empty or not lowercase
         */
        public Builder require(String... components) {
            for (String c : components) {
                if (c == null || c.isEmpty() || !c.equals(c.toLowerCase(Locale.ROOT))) {
                    throw new IllegalArgumentException("a required component is a lowercase name, but was " + c);
                }
                required.add(c);
            }
            return this;
        }

        /**
         * Accepts the legacy Timestamp + Sign scheme too, for messages without {@code Signature-Input}; default off.
         *
         * @param legacy the scheme, or null to turn it off
         * @return this builder
         */
        public Builder legacy(LegacyScheme legacy) {
            this.legacy = legacy;
            return this;
        }

        /**
         * Settings under {@code idempotency.signature.}: {@code keys.<keyid>} (see
         * {@link KeyResolver#fromProperties}), {@code window} (ISO-8601, e.g. {@code PT2M}), {@code label},
         * {@code require} (comma-separated components), {@code legacy} ({@code off}, {@code hmac-sha256} or
         * {@code md5}), {@code legacy.keyId}, {@code legacy.keyIdHeader}, {@code legacy.timestampHeader},
         * {@code legacy.signHeader}, {@code legacy.nonceHeader}. {@code routes} is left to the web adapters. Any
         * other name under the prefix is refused, naming it. Settings not given keep their current values.
         *
         * <pre>{@code
         * idempotency.signature.keys.client-1=hmac-sha256:c2VjcmV0LW9mLWNsaWVudC0x
         * idempotency.signature.window=PT1M
         * idempotency.signature.require=content-type
         * }</pre>
         *
         * @param properties settings by name; names without the prefix are ignored
         * @return this builder
         * @throws IllegalArgumentException if a setting is unknown or its value is invalid; the message names the
         *         setting
         */
        public Builder properties(Map<String, String> properties) {
            String legacyMode = null;
            LegacyScheme.Builder legacyBuilder = LegacyScheme.hmacSha256(null);
            boolean anyKey = false;
            for (Map.Entry<String, String> e : properties.entrySet()) {
                String name = e.getKey();
                if (!name.startsWith(PREFIX)) {
                    continue;
                }
                String setting = name.substring(PREFIX.length());
                String value = e.getValue() == null ? "" : e.getValue().strip();
                try {
                    if (setting.startsWith("keys.")) {
                        anyKey = true;
                        continue;
                    }
                    switch (setting) {
                        case "window" -> window(duration(value));
                        case "label" -> label(value.isEmpty() ? null : value);
                        case "require" -> {
                            for (String c : value.split(",")) {
                                if (!c.isBlank()) {
                                    require(c.strip());
                                }
                            }
                        }
                        case "legacy" -> legacyMode = value;
                        case "legacy.keyId" -> legacyBuilder.keyId(value);
                        case "legacy.keyIdHeader" -> legacyBuilder.keyIdHeader(value);
                        case "legacy.timestampHeader" -> legacyBuilder.timestampHeader(value);
                        case "legacy.signHeader" -> legacyBuilder.signHeader(value);
                        case "legacy.nonceHeader" -> legacyBuilder.nonceHeader(value);
                        case "routes" -> { }
                        default -> throw new IllegalArgumentException("unknown setting");
                    }
                } catch (DateTimeParseException | IllegalArgumentException ex) {
                    throw new IllegalArgumentException(name + ": " + ex.getMessage());
                }
            }
            if (anyKey) {
                keys(KeyResolver.fromProperties(properties));
            }
            if (legacyMode != null) {
                switch (legacyMode) {
                    case "off", "" -> legacy(null);
                    case "hmac-sha256" -> legacy(legacyBuilder.algorithm(LegacyScheme.Algorithm.HMAC_SHA256).build());
                    case "md5" -> legacy(legacyBuilder.md5().build());
                    default -> throw new IllegalArgumentException(PREFIX + "legacy must be off, hmac-sha256 or md5,"
                            + " but was " + legacyMode);
                }
            }
            return this;
        }

        /**
         * The verifier with these settings.
         *
         * @return a new immutable, thread-safe verifier
         * @throws NullPointerException if no keys were given
         */
        public SignatureVerifier build() {
            return new SignatureVerifier(this);
        }
    }
}

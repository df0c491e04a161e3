package dev.idempotency.signature;

import dev.idempotency.signature.internal.Crypto;
import dev.idempotency.signature.internal.FlatJson;
import dev.idempotency.support.FieldNames;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Mac;

/**
 * The older {@code Timestamp} + {@code Sign} scheme many payment APIs use, for clients that cannot move to RFC 9421
 * yet. Off unless configured; prefer {@link HttpMessageSigner} for anything new.
 *
 * <p>The signed string is every request parameter as {@code name=value}, sorted by name (then value), joined by
 * {@code &}: the query's parameters, the body's when it is {@code application/x-www-form-urlencoded} (both
 * percent-decoded) or a flat JSON object (top-level fields; strings unescaped, numbers and booleans as written,
 * {@code null} fields left out; nested objects or arrays are refused), plus {@code timestamp=<seconds>} and, when
 * the request carries the nonce header, {@code nonce=<value>}. Example: body {@code {"user_id":1,"amount":100}} at
 * 1710000000 signs {@code amount=100&timestamp=1710000000&user_id=1}. The {@code Sign} header is lowercase hex of
 * HMAC-SHA256 over that string with the key id's secret, or, only when {@link Builder#md5()} was chosen, of MD5 over
 * the string, {@code &}, and the secret's bytes.
 *
 * <p>A body of another type is refused (its content would go unsigned). A request parameter named {@code timestamp}
 * or {@code nonce} is refused (it would be ambiguous). The secret is the same {@code hmac-sha256:<base64>} key the
 * RFC 9421 scheme uses: base64-encode a text secret to configure it. Every accepted signature is claimed in the
 * {@link NonceRegistry} (the nonce if sent, else the signature itself) for twice the window, so a copy is refused;
 * a client retrying within the same second therefore needs the nonce header, which {@link #signer} always sends.
 *
 * <pre>{@code
 * // server: accept legacy requests next to RFC 9421 ones, with the same keys
 * SignatureVerifier verifier = SignatureVerifier.builder()
 *         .keys(keys)
 *         .legacy(LegacyScheme.hmacSha256(null).keyIdHeader("App-Id").build())
 *         .build();
 *
 * // client: Timestamp, Nonce, Sign (and App-Id) on every attempt
 * LegacyScheme scheme = LegacyScheme.hmacSha256(null).keyIdHeader("App-Id").build();
 * RequestSigner signer = scheme.signer(SigningKey.hmacSha256("app-42", secret), Clock.systemUTC());
 * }</pre>
 *
 * <p>A scheme is immutable and thread-safe.
 */
public final class LegacyScheme {

    private static final System.Logger LOG = System.getLogger("dev.idempotency.signature");
    private static final AtomicBoolean MD5_WARNED = new AtomicBoolean();

    /** The digest under the {@code Sign} header. */
    public enum Algorithm {
        /** HMAC-SHA256 over the signed string, keyed with the secret: the default. */
        HMAC_SHA256,
        /**
         * MD5 over the signed string, {@code &} and the secret. Broken as a MAC (length extension, collisions);
         * accepted only for clients that cannot change yet.
         */
        MD5
    }

    private final Algorithm algorithm;
    private final String timestampHeader;
    private final String signHeader;
    private final String nonceHeader;
    private final String keyIdHeader;
    private final String keyId;

    private LegacyScheme(Builder b) {
        this.algorithm = b.algorithm;
        this.timestampHeader = b.timestampHeader;
        this.signHeader = b.signHeader;
        this.nonceHeader = b.nonceHeader;
        this.keyIdHeader = b.keyIdHeader;
        this.keyId = b.keyId;
        if (keyId == null && keyIdHeader == null) {
            throw new IllegalArgumentException("the legacy scheme needs a keyId, a keyIdHeader, or both");
        }
        if (algorithm == Algorithm.MD5 && MD5_WARNED.compareAndSet(false, true)) {
            LOG.log(System.Logger.Level.WARNING, "legacy request signatures with MD5 are enabled: MD5 is not a"
                    + " secure MAC; move these clients to RFC 9421 hmac-sha256 or ed25519");
        }
    }

    /**
     * Starts the legacy scheme with HMAC-SHA256 and the secret of {@code keyId}, and the default headers
     * {@code Timestamp}, {@code Sign} and {@code Nonce}.
     *
     * @param keyId the key id whose secret signs requests that do not name one; null if every request names its key
     *        id in the {@link Builder#keyIdHeader key-id header}
     * @return a builder; {@link Builder#build()} requires a key id, a key-id header, or both
     * @throws IllegalArgumentException if {@code keyId} is blank
     */
    public static Builder hmacSha256(String keyId) {
        return new Builder(Algorithm.HMAC_SHA256).keyId(keyId);
    }

    /**
     * The digest under the sign header.
     *
     * @return {@link Algorithm#HMAC_SHA256} or {@link Algorithm#MD5}
     */
    public Algorithm algorithm() {
        return algorithm;
    }

    String timestampHeader() {
        return timestampHeader;
    }

    String signHeader() {
        return signHeader;
    }

    String nonceHeader() {
        return nonceHeader;
    }

    /** The key id of a request: from its key-id header if configured and present, else the fixed one. */
    String keyIdOf(SignedMessage message) {
        if (keyIdHeader != null) {
            String given = message.header(keyIdHeader);
            if (given != null && !given.isBlank()) {
                return given.strip();
            }
        }
        return keyId;
    }

    String keyIdHeader() {
        return keyIdHeader;
    }

    String fixedKeyId() {
        return keyId;
    }

    /**
     * A signer for {@code IdempotentHttpClient} or any client: fresh timestamp and nonce per call. It sets the
     * key-id header (when configured), the timestamp, nonce and sign headers, and signs {@link SignedRequest}s only.
     *
     * @param key the client's key; must be an HMAC-SHA256 secret, whose key id is sent in the key-id header
     * @param clock the clock the timestamp is read from
     * @return a thread-safe signer; its {@code sign} throws {@link IllegalArgumentException} for a message that is
     *         not a request, or whose body the scheme does not cover
     * @throws NullPointerException if {@code key} or {@code clock} is null
     * @throws IllegalArgumentException if {@code key} is not an HMAC-SHA256 key
     */
    public RequestSigner signer(SigningKey key, java.time.Clock clock) {
        return new LegacySigner(this, key, clock);
    }

    /** The string that is signed. */
    static String canonical(SignedRequest request, String timestamp, String nonce) {
        List<String[]> params = new ArrayList<>();
        String query = request.targetUri().getRawQuery();
        if (query != null) {
            form(query, params);
        }
        byte[] body = request.body();
        if (body.length > 0) {
            String type = request.header("content-type");
            String mediaType = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
            if (mediaType.equals("application/x-www-form-urlencoded")) {
                form(new String(body, StandardCharsets.UTF_8), params);
            } else if (mediaType.equals("application/json") || mediaType.endsWith("+json")) {
                try {
                    FlatJson.read(new String(body, StandardCharsets.UTF_8))
                            .forEach((k, v) -> params.add(new String[] {k, v}));
                } catch (IllegalArgumentException e) {
                    throw new SignatureBase.Failure(Verification.Reason.MALFORMED, "legacy signature: " + e.getMessage());
                }
            } else {
                throw new SignatureBase.Failure(Verification.Reason.MALFORMED, "legacy signatures cover query, form and"
                        + " flat JSON bodies only, not " + (type == null ? "a body without Content-Type" : type));
            }
        }
        for (String[] p : params) {
            if (p[0].equals("timestamp") || p[0].equals("nonce")) {
                throw new SignatureBase.Failure(Verification.Reason.MALFORMED,
                        "legacy signature: the request has its own parameter " + p[0]);
            }
        }
        params.add(new String[] {"timestamp", timestamp});
        if (nonce != null) {
            params.add(new String[] {"nonce", nonce});
        }
        params.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder out = new StringBuilder();
        for (String[] p : params) {
            if (out.length() > 0) {
                out.append('&');
            }
            out.append(p[0]).append('=').append(p[1]);
        }
        return out.toString();
    }

    private static void form(String encoded, List<String[]> params) {
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            try {
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                params.add(new String[] {name, value});
            } catch (IllegalArgumentException e) {
                throw new SignatureBase.Failure(Verification.Reason.MALFORMED,
                        "legacy signature: a parameter is not percent-encoded properly");
            }
        }
    }

    /** The digest of the canonical string with this secret. */
    byte[] digest(String canonical, byte[] secret, Mac hmac) {
        byte[] text = canonical.getBytes(StandardCharsets.UTF_8);
        if (algorithm == Algorithm.HMAC_SHA256) {
            return hmac.doFinal(text);
        }
        MessageDigest md5 = Crypto.md5();
        md5.update(text);
        md5.update((byte) '&');
        md5.update(secret);
        return md5.digest();
    }

    @Override
    public String toString() {
        return "LegacyScheme[" + algorithm + ", " + timestampHeader + ", " + signHeader + "]";
    }

    /** Settings, each checked when given. */
    public static final class Builder {
        private Algorithm algorithm;
        private String timestampHeader = "Timestamp";
        private String signHeader = "Sign";
        private String nonceHeader = "Nonce";
        private String keyIdHeader;
        private String keyId;

        private Builder(Algorithm algorithm) {
            this.algorithm = algorithm;
        }

        /**
         * Switches the digest to MD5: an explicit choice, warned about once per JVM when a scheme is built.
         *
         * @return this builder
         */
        public Builder md5() {
            this.algorithm = Algorithm.MD5;
            return this;
        }

        /**
         * The digest under the sign header.
         *
         * @param algorithm the digest; default {@link Algorithm#HMAC_SHA256}
         * @return this builder
         * @throws NullPointerException if {@code algorithm} is null
         */
        public Builder algorithm(Algorithm algorithm) {
            this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
            return this;
        }

        /**
         * The header holding the signing time in Unix seconds.
         *
         * @param name a header name (an HTTP token); default {@code Timestamp}
         * @return this builder
         * @throws IllegalArgumentException if {@code name} is not a header name
         */
        public Builder timestampHeader(String name) {
            this.timestampHeader = headerName(name, "timestampHeader");
            return this;
        }

        /**
         * The header holding the signature as lowercase hex; its presence marks a request as legacy-signed.
         *
         * @param name a header name (an HTTP token); default {@code Sign}
         * @return this builder
         * @throws IllegalArgumentException if {@code name} is not a header name
         */
        public Builder signHeader(String name) {
            this.signHeader = headerName(name, "signHeader");
            return this;
        }

        /**
         * The optional header holding a nonce, signed as {@code nonce=}.
         *
         * @param name a header name (an HTTP token); default {@code Nonce}
         * @return this builder
         * @throws IllegalArgumentException if {@code name} is not a header name
         */
        public Builder nonceHeader(String name) {
            this.nonceHeader = headerName(name, "nonceHeader");
            return this;
        }

        /**
         * A header naming the key id (e.g. {@code App-Id}); when absent from a request, {@link #keyId} applies.
         *
         * @param name a header name (an HTTP token), or null for none (the default)
         * @return this builder
         * @throws IllegalArgumentException if {@code name} is not a header name
         */
        public Builder keyIdHeader(String name) {
            this.keyIdHeader = name == null ? null : headerName(name, "keyIdHeader");
            return this;
        }

        /**
         * The key id whose secret legacy requests are signed with, when they do not name one.
         *
         * @param keyId the key id, or null for none
         * @return this builder
         * @throws IllegalArgumentException if {@code keyId} is blank
         */
        public Builder keyId(String keyId) {
            if (keyId != null && keyId.isBlank()) {
                throw new IllegalArgumentException("keyId must not be blank");
            }
            this.keyId = keyId;
            return this;
        }

        /**
         * The scheme with these settings. Building one with MD5 logs a warning, once per JVM.
         *
         * @return a new immutable scheme
         * @throws IllegalArgumentException if neither a key id nor a key-id header is set
         */
        public LegacyScheme build() {
            return new LegacyScheme(this);
        }

        private static String headerName(String name, String setting) {
            if (!FieldNames.isToken(name)) {
                throw new IllegalArgumentException(setting + " must be a header name, but was " + name);
            }
            return name;
        }
    }
}

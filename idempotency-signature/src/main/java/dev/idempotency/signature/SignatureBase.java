package dev.idempotency.signature;

import dev.idempotency.signature.internal.StructuredFields;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * RFC 9421 section 2.5: the bytes that are signed, built the same way by the signer and the verifier. Supported
 * derived components: {@code @method}, {@code @target-uri}, {@code @authority}, {@code @scheme},
 * {@code @request-target}, {@code @path}, {@code @query}; header fields by name, without component parameters
 * ({@code sf}, {@code key}, {@code bs}, {@code req}, {@code tr} are refused as unsupported, which the RFC requires of
 * a verifier that does not implement them).
 */
final class SignatureBase {

    /** A base that cannot be built, with the reason to refuse for. Carries no stack trace: it is an answer. */
    static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final Verification.Reason reason;

        Failure(Verification.Reason reason, String message) {
            super(message, null, false, false);
            this.reason = reason;
        }
    }

    private static final java.util.regex.Pattern OBS_FOLD = java.util.regex.Pattern.compile("\\r?\\n[ \\t]+");

    private SignatureBase() {
    }

    /** The covered components' names, checked: strings, lowercase, no parameters, no duplicates. */
    static List<String> componentNames(StructuredFields.InnerList input) {
        String[] names = new String[input.items().size()];
        for (int i = 0; i < names.length; i++) {
            StructuredFields.Item item = input.items().get(i);
            if (!(item.value() instanceof String name)) {
                throw new Failure(Verification.Reason.MALFORMED, "a covered component is not a string");
            }
            if (!item.params().isEmpty()) {
                throw new Failure(Verification.Reason.MALFORMED, "component parameters are not supported: "
                        + StructuredFields.serialize(item));
            }
            if (name.isEmpty() || hasUppercase(name) || name.equals("@signature-params")) {
                throw new Failure(Verification.Reason.MALFORMED, "not a component name: \"" + name + "\"");
            }
            for (int j = 0; j < i; j++) {
                if (names[j].equals(name)) {
                    throw new Failure(Verification.Reason.MALFORMED, "component covered twice: \"" + name + "\"");
                }
            }
            names[i] = name;
        }
        return List.of(names);
    }

    private static boolean hasUppercase(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return true;
            }
        }
        return false;
    }

    /** The signature base for these signature parameters (the inner list as it is serialized). */
    static byte[] build(SignedMessage message, List<String> components, StructuredFields.InnerList params) {
        StringBuilder base = new StringBuilder(512);
        for (String name : components) {
            base.append('"').append(name).append("\": ").append(value(message, name)).append('\n');
        }
        base.append("\"@signature-params\": ");
        StructuredFields.serialize(params, base);
        // header values arrive as ISO-8859-1 decoded bytes (servlet containers, the JDK): this restores the bytes.
        // Every value was checked to fit (latin1 below); the rest is ASCII by construction.
        return base.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The value, refused when a character does not fit ISO-8859-1 (encoding would turn it into '?'). */
    private static String latin1(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) > 0xFF) {
                throw new Failure(Verification.Reason.MALFORMED, "a covered value holds characters beyond ISO-8859-1");
            }
        }
        return value;
    }

    static String value(SignedMessage message, String name) {
        if (name.startsWith("@")) {
            if (!(message instanceof SignedRequest request)) {
                throw new Failure(Verification.Reason.MALFORMED, name + " is covered but the message is not a request");
            }
            return derived(request, name);
        }
        List<String> lines = message.headerValues(name);
        if (lines.isEmpty()) {
            throw new Failure(Verification.Reason.BAD_SIGNATURE, "covered field " + name + " is absent");
        }
        if (lines.size() == 1) {
            String line = lines.get(0);
            if (line.indexOf('\n') < 0 && line.indexOf('\r') < 0) {
                return latin1(line.strip());   // the common case: one line, nothing to fold
            }
        }
        StringBuilder joined = new StringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) {
                joined.append(", ");
            }
            // obsolete line folding becomes one space; then leading and trailing whitespace goes (RFC 9421 2.1)
            String line = lines.get(i);
            if (line.indexOf('\n') >= 0) {
                line = OBS_FOLD.matcher(line).replaceAll(" ");
            }
            joined.append(line.strip());
        }
        String value = joined.toString();
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0) {
            throw new Failure(Verification.Reason.MALFORMED, "field " + name + " holds a line break");
        }
        return latin1(value);
    }

    private static String derived(SignedRequest request, String name) {
        URI uri = request.targetUri();
        switch (name) {
            case "@method":
                return latin1(request.method());
            case "@target-uri":
                return uri.toASCIIString();
            case "@authority": {
                String host = uri.getHost().toLowerCase(Locale.ROOT);
                int port = uri.getPort();
                String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
                boolean standard = port == -1 || (port == 443 && scheme.equals("https")) || (port == 80 && scheme.equals("http"));
                return standard ? host : host + ":" + port;
            }
            case "@scheme":
                return uri.getScheme().toLowerCase(Locale.ROOT);
            case "@request-target":
                return latin1(path(uri) + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()));
            case "@path":
                return latin1(path(uri));
            case "@query":
                return latin1("?" + (uri.getRawQuery() == null ? "" : uri.getRawQuery()));
            default:
                throw new Failure(Verification.Reason.MALFORMED, "unsupported derived component " + name);
        }
    }

    private static String path(URI uri) {
        String path = uri.getRawPath();
        return path == null || path.isEmpty() ? "/" : path;
    }
}

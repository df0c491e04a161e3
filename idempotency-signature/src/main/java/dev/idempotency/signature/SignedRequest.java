package dev.idempotency.signature;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An HTTP request as the signature scheme sees it: the message, plus the method and the full target URI from which
 * the derived components ({@code @method}, {@code @target-uri}, {@code @authority}, {@code @path}, {@code @query}...)
 * come. A server adapter rebuilds the target URI as the client addressed it: scheme, the {@code Host} header, path
 * and query exactly as received (not decoded).
 */
public interface SignedRequest extends SignedMessage {

    /**
     * The method, as sent.
     *
     * @return the request method, e.g. {@code POST}
     */
    String method();

    /**
     * The absolute target URI, with path and query as the client sent them (not decoded).
     *
     * @return the target URI, e.g. {@code https://pay.example/transfers?currency=EUR}
     */
    URI targetUri();

    /**
     * A request from its parts. The headers are copied (names in any case, matched case-insensitively), and so is
     * the body.
     *
     * @param method the request method, e.g. {@code POST}; not null
     * @param targetUri the absolute target URI, with a host; not null
     * @param headers the header fields, each name to its field lines; not null
     * @param body the body; null for none
     * @return an immutable request
     * @throws NullPointerException if {@code method}, {@code targetUri} or {@code headers} is null
     * @throws IllegalArgumentException if {@code targetUri} is not absolute or has no host
     */
    static SignedRequest of(String method, URI targetUri, Map<String, List<String>> headers, byte[] body) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(targetUri, "targetUri");
        if (!targetUri.isAbsolute() || targetUri.getHost() == null) {
            throw new IllegalArgumentException("the target URI must be absolute with a host, but was " + targetUri);
        }
        SignedMessage message = SignedMessage.of(headers, body);
        return new SignedRequest() {
            @Override
            public String method() {
                return method;
            }

            @Override
            public URI targetUri() {
                return targetUri;
            }

            @Override
            public List<String> headerValues(String name) {
                return message.headerValues(name);
            }

            @Override
            public byte[] body() {
                return message.body();
            }
        };
    }
}

package dev.idempotency.servlet;

import dev.idempotency.IdempotencyKeyException;
import dev.idempotency.core.CurrentRequest;
import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyRuntime;
import dev.idempotency.spi.Sha256;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;

/**
 * Route mode: whole requests made idempotent at the HTTP level, without an annotation. The request's key header,
 * scoped by route and by user, is claimed through the engine with a fingerprint of method, path, query and body;
 * the first response is recorded and replayed.
 */
final class RouteMode {

    private static final System.Logger LOG = System.getLogger("dev.idempotency.servlet");
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
    /** The engine's bound on a key, which a key scoped by its user must keep too. */
    private static final int MAX_KEY_LENGTH = 255;

    /** Why a response was not recorded: thrown out of the engine's call, which gives the key up. */
    private static final class NotRecorded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        NotRecorded(String why) {
            super(why, null, false, false);
        }
    }

    final List<Route> routes;
    final String header;
    final int maxBodySize;
    final boolean releaseOn5xx;
    private final IdempotencyRuntime runtime;

    RouteMode(List<Route> routes, String header, int maxBodySize, boolean releaseOn5xx, IdempotencyRuntime runtime) {
        this.routes = List.copyOf(routes);
        this.header = header;
        this.maxBodySize = maxBodySize;
        this.releaseOn5xx = releaseOn5xx;
        this.runtime = runtime;
    }

    /** The route that covers the request, or {@code null}. */
    Route route(HttpServletRequest request) {
        return Route.match(routes, request);
    }

    /**
     * Runs the request once per key: the first time through the chain, recording its response; later from the
     * record. A body over {@code maxBodySize} is answered 413 here; other refusals are thrown as the library's
     * exceptions, which the filter answers. Called with the request bound ({@link CurrentRequest}).
     */
    void handle(Route route, HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        CurrentRequest.Request bound = CurrentRequest.current();
        String user = bound == null ? null : bound.principal();
        String key = scopedKey(route, user);
        byte[] body = body(request);
        if (body == null) {
            tooLarge(route, response);
            return;
        }
        String fingerprint = fingerprint(request, body);
        BufferedRequest buffered = new BufferedRequest(request, body);
        ResponseCapture capture = new ResponseCapture(response, maxBodySize);
        IdempotencyRuntime rt = runtime != null ? runtime : Idempotency.runtime();
        boolean[] ran = new boolean[1];
        RecordedResponse recorded;
        try {
            recorded = rt.call(namespace(route, user), key, RecordedResponse.class).payload(fingerprint).call(() -> {
                ran[0] = true;
                chain.doFilter(buffered, capture);
                return recordable(route, request, capture, rt.config().maxResultSize());
            });
        } catch (NotRecorded notRecorded) {
            capture.send();
            return;
        } catch (IOException | ServletException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ServletException(e); // the chain throws nothing else
        }
        if (ran[0]) {
            capture.send();
        } else {
            replay(recorded, response);
        }
    }

    private RecordedResponse recordable(Route route, HttpServletRequest request, ResponseCapture capture,
                                        int maxResultSize) throws IOException {
        if (request.isAsyncStarted()) {
            capture.goLive();
            warn(route, "it is asynchronous (its body is written after the filter returns)");
            throw new NotRecorded("asynchronous");
        }
        if (capture.overflowed()) {
            warn(route, "its body is larger than idempotency.http.maxBodySize (" + maxBodySize + " bytes)");
            throw new NotRecorded("too large");
        }
        RecordedResponse recorded = capture.record();
        if (recorded.status() >= 500 && releaseOn5xx) {
            throw new NotRecorded("status " + recorded.status()); // expected: a retry runs again
        }
        if (recorded.jsonSizeEstimate() > maxResultSize) {
            warn(route, "its record would be larger than idempotency.maxResultSize (" + maxResultSize + " bytes)");
            throw new NotRecorded("record too large");
        }
        return recorded;
    }

    private static void warn(Route route, String why) {
        LOG.log(System.Logger.Level.WARNING, "idempotency: route " + route + ": a response was not recorded because "
                + why + "; the client got it live, and its key was given up, so a retry runs the request again");
    }

    private static void replay(RecordedResponse recorded, HttpServletResponse response) throws IOException {
        response.setStatus(recorded.status());
        for (RecordedResponse.Header h : recorded.headers()) {
            if (h.name().equalsIgnoreCase("Content-Type")) {
                response.setContentType(h.value());
            } else {
                response.addHeader(h.name(), h.value());
            }
        }
        response.setHeader(IdempotencyFilter.REPLAYED_HEADER, "true");
        ResponseCapture.send(response, recorded.error(), recorded.body(), recorded.body().length);
    }

    /**
     * The client's key, scoped by route (the namespace) and by user: an authenticated request's key is prefixed with
     * a hash of its user's name, and lives in a namespace of its own, so that no key an anonymous client or another
     * user sends can be the same.
     */
    private String scopedKey(Route route, String user) {
        String key;
        try {
            key = CurrentRequest.header(header);
        } catch (IdempotencyKeyException e) {
            throw new IdempotencyKeyException(e.getMessage() + " (route " + route + ")", route.namespace(), null);
        }
        if (key == null) {
            throw new IdempotencyKeyException("the request has no " + header + " header; route " + route
                    + " needs one", route.namespace(), null);
        }
        if (key.isBlank() || key.length() > MAX_KEY_LENGTH) {
            throw new IdempotencyKeyException("the " + header + " header must hold 1 to " + MAX_KEY_LENGTH
                    + " characters, not blank, but holds " + key.length(), route.namespace(), null);
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                throw new IdempotencyKeyException("the " + header + " header has a character outside printable"
                        + " ASCII, " + String.format("U+%04X", (int) c) + ", at position " + i, route.namespace(),
                        null);
            }
        }
        if (user == null) {
            return key;
        }
        String scope = hash(user.getBytes(StandardCharsets.UTF_8)).substring(0, 22) + ":";
        return scope.length() + key.length() <= MAX_KEY_LENGTH ? scope + key
                : scope + "sha256:" + hash(key.getBytes(StandardCharsets.US_ASCII));
    }

    /** Whose keys a route's namespace holds: authenticated requests have a namespace of their own. */
    static String namespace(Route route, String user) {
        return user == null ? route.namespace() : route.namespace() + " by user";
    }

    /** The body, or {@code null} when it is larger than {@code maxBodySize}. */
    private byte[] body(HttpServletRequest request) throws IOException {
        return body(request, maxBodySize);
    }

    /** The request's body, read whole, or {@code null} when it is longer than {@code maxBodySize}. */
    static byte[] body(HttpServletRequest request, int maxBodySize) throws IOException {
        long declared = request.getContentLengthLong();
        if (declared > maxBodySize) {
            return null;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(declared > 0 ? (int) declared : 256);
        InputStream in = request.getInputStream();
        byte[] chunk = new byte[8192];
        int n;
        while ((n = in.read(chunk)) >= 0) {
            if (out.size() + n > maxBodySize) {
                return null;
            }
            out.write(chunk, 0, n);
        }
        return out.toByteArray();
    }

    static void tooLarge(Route route, HttpServletResponse response) throws IOException {
        response.setHeader("Connection", "close"); // the rest of the body is not read
        Refusal.send(response, Refusal.TOO_LARGE.status, Refusal.TOO_LARGE.body(route.namespace()));
    }

    /** Method, path, query and body, each with its length, so that no two requests share one. */
    private static String fingerprint(HttpServletRequest request, byte[] body) {
        MessageDigest digest = Sha256.digest();
        String info = request.getPathInfo();
        String query = request.getQueryString();
        for (String part : new String[] {request.getMethod(), request.getServletPath(), info == null ? "" : info,
                query == null ? "" : "?" + query}) {
            byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
            digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
            digest.update(bytes);
        }
        digest.update(ByteBuffer.allocate(4).putInt(body.length).array());
        digest.update(body);
        return BASE64.encodeToString(digest.digest());
    }

    private static String hash(byte[] bytes) {
        return BASE64.encodeToString(Sha256.of(bytes));
    }
}

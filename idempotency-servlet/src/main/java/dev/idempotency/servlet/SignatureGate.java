package dev.idempotency.servlet;

import dev.idempotency.signature.SignatureVerifier;
import dev.idempotency.signature.SignedRequest;
import dev.idempotency.signature.Verification;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The routes whose requests must be signed, and the verifier that checks them before the application (and route
 * mode) sees anything: a request it refuses is answered 401 (400 for a header that cannot be read) with a problem
 * document saying why and the server's time, and nothing runs.
 */
final class SignatureGate {

    final List<Route> routes;
    final SignatureVerifier verifier;

    SignatureGate(List<Route> routes, SignatureVerifier verifier) {
        this.routes = List.copyOf(routes);
        this.verifier = verifier;
    }

    Route route(HttpServletRequest request) {
        return Route.match(routes, request);
    }

    /** Verifies the request with its body read whole; writes the refusal and returns false when it is refused. */
    boolean admits(HttpServletRequest request, byte[] body, HttpServletResponse response) throws IOException {
        Verification verification = verifier.verify(new Request(request, body));
        if (verification instanceof Verification.Refused refused) {
            refuse(refused, response);
            return false;
        }
        return true;
    }

    private static void refuse(Verification.Refused refused, HttpServletResponse response) throws IOException {
        Map<String, String> more = new LinkedHashMap<>();
        more.put("reason", refused.reason().name());
        if (refused.serverTime() != null) {
            more.put("serverTime", refused.serverTime().toString());
        }
        int status = refused.httpStatus();
        Refusal.send(response, status, Refusal.body(status == 400 ? "Bad Request" : "Unauthorized", status,
                refused.message(), null, more));
    }

    /**
     * The request as the client addressed it: scheme, the {@code Host} header (the authority it signed), the path
     * and query exactly as received, not decoded.
     */
    private record Request(HttpServletRequest request, byte[] body) implements SignedRequest {
        @Override
        public String method() {
            return request.getMethod();
        }

        @Override
        public URI targetUri() {
            String host = request.getHeader("Host");
            if (host == null || host.isBlank()) {
                host = request.getServerName() + ":" + request.getServerPort();
            }
            String query = request.getQueryString();
            return URI.create(request.getScheme() + "://" + host + request.getRequestURI()
                    + (query == null ? "" : "?" + query));
        }

        @Override
        public List<String> headerValues(String name) {
            return Collections.list(request.getHeaders(name));
        }
    }
}

package dev.idempotency.servlet;

import dev.idempotency.IdempotencyKeyException;
import dev.idempotency.core.CurrentRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

/** One HTTP request as key and fingerprint expressions read it: its headers, its user, and where a replay is told. */
final class HttpRequestView implements CurrentRequest.Request {

    private final HttpServletRequest request;
    private final HttpServletResponse response;

    HttpRequestView(HttpServletRequest request, HttpServletResponse response) {
        this.request = request;
        this.response = response;
    }

    /**
     * Every value of the header. A value with bytes outside ASCII (obs-text) is refused: containers may decode such
     * bytes differently (as ISO-8859-1, as UTF-8), so the same request could give different keys on different
     * servers of one fleet, and one of them would run it again.
     */
    @Override
    public List<String> headers(String name) {
        Enumeration<String> values = request.getHeaders(name);
        if (values == null || !values.hasMoreElements()) {
            return List.of();
        }
        List<String> list = new ArrayList<>(1);
        while (values.hasMoreElements()) {
            String value = values.nextElement();
            checkAscii(name, value);
            list.add(value);
        }
        return list;
    }

    private static void checkAscii(String name, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            // visible ASCII and space; a tab is left to the key checks, which refuse it in a key
            if ((c < 0x20 && c != '\t') || c > 0x7E) {
                throw new IdempotencyKeyException("the header " + name + " has a character outside printable ASCII, "
                        + String.format("U+%04X", (int) c) + ", at position " + i + "; servers decode such bytes"
                        + " differently, so the request is refused: send the value as ASCII (a key as a Structured"
                        + " Field String)", null, null);
            }
        }
    }

    @Override
    public String principal() {
        Principal principal = request.getUserPrincipal();
        return principal == null ? null : principal.getName();
    }

    /** A response already (partly) sent cannot take a header any more; the replayed body goes out unmarked then. */
    @Override
    public void replayed() {
        if (!response.isCommitted()) {
            response.setHeader(IdempotencyFilter.REPLAYED_HEADER, "true");
        }
    }
}

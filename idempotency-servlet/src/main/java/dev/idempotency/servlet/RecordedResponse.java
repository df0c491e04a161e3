package dev.idempotency.servlet;

import java.util.List;

/**
 * The first response of a route-mode request, as stored (JSON, by the engine's codec: the body as base64) and
 * replayed: its status, the headers the application set, and its body bytes.
 *
 * @param status  the status code, e.g. 201
 * @param headers the headers the application set inside the filter, in order, less those that belong to one response
 *                only (see {@link ResponseCapture#NOT_RECORDED})
 * @param body    the body bytes, exactly as written; empty when {@code error} is set
 * @param error   {@code null} when the application wrote the body itself; else it called {@code sendError} with this
 *                message ({@code ""} without one), and the container's error page is the body, on a replay too
 */
record RecordedResponse(int status, List<Header> headers, byte[] body, String error) {

    /** One header value; a header sent several times is several of these, in order. */
    record Header(String name, String value) {
    }

    /** A rough upper bound of the stored JSON's size, to keep what the store would refuse out of it. */
    long jsonSizeEstimate() {
        long size = 64 + (body.length + 2L) / 3 * 4 + (error == null ? 0 : 6L * error.length());
        for (Header h : headers) {
            size += 24 + 6L * (h.name().length() + h.value().length());
        }
        return size;
    }
}

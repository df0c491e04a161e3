package dev.idempotency.core;

import dev.idempotency.IdempotencyKeyException;
import java.util.List;

/**
 * The request a call is made for, as key and fingerprint expressions see it: {@code #headers['Idempotency-Key']} and
 * {@code #principal}. A web layer binds it for the time of a request (the servlet filter does; so can any other
 * framework), and every {@code @Idempotent} call made on that thread meanwhile reads it. Outside a binding both read
 * {@code null}, which a key refuses as usual.
 *
 * <pre>{@code
 * CurrentRequest.Request adapter = new CurrentRequest.Request() {
 *     public List<String> headers(String name) {
 *         return exchange.getRequestHeaders().getOrDefault(name, List.of());   // case-insensitive there
 *     }
 *
 *     public String principal() {
 *         return exchange.getPrincipal() == null ? null : exchange.getPrincipal().getName();
 *     }
 * };
 * try (CurrentRequest.Binding binding = CurrentRequest.bind(adapter)) {
 *     chain.handle(request);
 * }
 * }</pre>
 *
 * <p>A binding is the calling thread's alone: work handed to other threads (an executor, a
 * {@code CompletableFuture} stage) sees no request unless it is bound there too.
 */
public final class CurrentRequest {

    private static final ThreadLocal<Request> CURRENT = new ThreadLocal<>();

    private CurrentRequest() {
    }

    /** What a web layer tells about its request. */
    public interface Request {

        /**
         * Every value of the header, in the order received; empty when it is absent. The name is case-insensitive.
         *
         * @param name the header's name, e.g. {@code Idempotency-Key}
         * @return the header's values, each as received; empty when the header is absent
         */
        List<String> headers(String name);

        /**
         * The authenticated caller's name, for {@code #principal}.
         *
         * @return the name, or {@code null} when the request is anonymous
         */
        String principal();

        /**
         * Called when a call made for this request was answered from the store (a replay), before it returns, e.g. to
         * mark the response as replayed. The default does nothing.
         */
        default void replayed() {
        }
    }

    /**
     * Binds the request to this thread until the binding is closed, which restores what was bound before (bindings
     * nest).
     *
     * @param request the request
     * @return the binding, to close on this thread, in a try-with-resources block
     * @throws IllegalArgumentException if {@code request} is {@code null}
     */
    public static Binding bind(Request request) {
        if (request == null) {
            throw new IllegalArgumentException("the request must not be null");
        }
        Binding binding = new Binding(Thread.currentThread(), CURRENT.get());
        CURRENT.set(request);
        return binding;
    }

    /**
     * The request bound to this thread.
     *
     * @return the request, or {@code null} when none is bound
     */
    public static Request current() {
        return CURRENT.get();
    }

    /**
     * The value of {@code #headers['name']}: {@code null} when the header is absent or no request is bound. A value
     * that starts with a double quote is read as a Structured Field String (RFC 8941: printable ASCII, {@code \"}
     * and {@code \\} escapes) and unquoted; any other value is taken as it is.
     *
     * @param name the header's name, as the key expression gives it
     * @return the header's value, unquoted if it was quoted, or {@code null}
     * @throws IdempotencyKeyException when the header is sent more than once or its quoted form is malformed (a web
     *                                 layer answers 400)
     */
    public static String header(String name) {
        Request request = CURRENT.get();
        if (request == null) {
            return null;
        }
        List<String> values = request.headers(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new IdempotencyKeyException("the request carries the header " + name + " " + values.size()
                    + " times; send it once", null, null);
        }
        String value = values.get(0).trim();
        return value.startsWith("\"") ? structuredString(name, value) : value;
    }

    /**
     * The value of {@code #principal}.
     *
     * @return the authenticated caller's name, or {@code null} when the request is anonymous or none is bound
     */
    public static String principal() {
        Request request = CURRENT.get();
        return request == null ? null : request.principal();
    }

    /**
     * Tells the bound request, if any, that a call was answered from the store ({@link Request#replayed()}). The
     * runtime calls it on every replay.
     */
    public static void markReplayed() {
        Request request = CURRENT.get();
        if (request != null) {
            request.replayed();
        }
    }

    private static String structuredString(String name, String value) {
        StringBuilder sb = new StringBuilder(value.length());
        int i = 1;
        while (i < value.length()) {
            char c = value.charAt(i++);
            if (c == '"') {
                if (i != value.length()) {
                    throw malformed(name, "text after the closing quote");
                }
                return sb.toString();
            }
            if (c == '\\') {
                if (i == value.length()) {
                    throw malformed(name, "a backslash at the end");
                }
                c = value.charAt(i++);
                if (c != '"' && c != '\\') {
                    throw malformed(name, "an escape other than \\\" or \\\\");
                }
            } else if (c < 0x20 || c > 0x7E) {
                throw malformed(name, "a character outside printable ASCII");
            }
            sb.append(c);
        }
        throw malformed(name, "no closing quote");
    }

    private static IdempotencyKeyException malformed(String name, String why) {
        return new IdempotencyKeyException("the header " + name + " is not a valid Structured Field String (" + why
                + ")", null, null);
    }

    /** A binding of a request to a thread; closing it restores the previous binding. */
    public static final class Binding implements AutoCloseable {
        private final Thread thread;
        private final Request previous;
        private boolean closed;

        private Binding(Thread thread, Request previous) {
            this.thread = thread;
            this.previous = previous;
        }

        /**
         * Unbinds the request.
         *
         * @throws IllegalStateException when closed on another thread than the one it was bound on (the binding is
         *                               that thread's; the request stays bound there until closed there)
         */
        @Override
        public void close() {
            if (Thread.currentThread() != thread) {
                throw new IllegalStateException("a request binding must be closed on the thread that made it ("
                        + thread.getName() + "), not on " + Thread.currentThread().getName());
            }
            if (closed) {
                return;
            }
            closed = true;
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}

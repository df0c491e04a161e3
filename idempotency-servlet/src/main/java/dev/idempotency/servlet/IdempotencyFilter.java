package dev.idempotency.servlet;

import dev.idempotency.IdempotencyException;
import dev.idempotency.core.CurrentRequest;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Makes {@code @Idempotent} methods answer over HTTP (Jakarta Servlet 6.0+).
 *
 * <ul>
 *   <li>Binds each request to its thread for the rest of the filter chain, so that key and fingerprint expressions
 *       read it: {@code #headers['Idempotency-Key']} from {@link HttpServletRequest#getHeaders},
 *       {@code #principal} from {@link HttpServletRequest#getUserPrincipal} ({@code null} when anonymous). A header
 *       value that an expression reads is refused as a bad key when it holds characters outside ASCII.</li>
 *   <li>Marks a response whose call was answered from the store with {@code Idempotent-Replayed: true}, unless the
 *       response is already committed.</li>
 *   <li>Answers the library's refusals that escape the chain, also when wrapped as the cause of another exception,
 *       with an RFC 9457 {@code application/problem+json} body: {@code IdempotencyKeyException} 400,
 *       {@code IdempotencyInProgressException} 409 with {@code Retry-After}, {@code IdempotencyKeyReuseException}
 *       422, {@code IdempotencyStoreException} 503 with {@code Retry-After}. The body's {@code type} is
 *       {@code about:blank}, its {@code title} the status's name, its {@code detail} a fixed text for clients (never
 *       the exception's message, which names keys and hosts), plus the {@code namespace}. Headers set before the
 *       failure (CORS, tracing) are kept; the buffered body is discarded. A response already committed cannot be
 *       rewritten: the exception is rethrown for the container, as is every other exception.</li>
 * </ul>
 *
 * <p>Register it after authentication (so {@code #principal} sees the user) and before the servlets whose calls it
 * covers. The application's own exception handling runs inside the chain, so it sees the exceptions first.
 *
 * <p>Asynchronous requests: the binding belongs to the thread that runs the chain and ends when the chain returns. A
 * call made on another thread (an executor, an {@code AsyncContext.start} task) reads no request: its key is null and
 * it is refused with an {@code IdempotencyKeyException} saying that no request is bound. Make the call on the
 * request's thread, or pass the key as an argument. A refusal escaping after the request went asynchronous is left
 * to the container's asynchronous error handling.
 */
public final class IdempotencyFilter implements Filter {

    /** The response header on every replayed answer. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    /**
     * {@code Retry-After} on 409: the holder's lease is renewed for as long as its call runs, so nothing tells when
     * it ends; most calls end within a second, and a retry that comes too early only gets another 409.
     */
    static final int IN_PROGRESS_RETRY_AFTER_SECONDS = 1;

    /** {@code Retry-After} on 503: long enough that clients do not pile onto a store that is recovering. */
    static final int UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

    /** The request attribute that marks a request this filter covers already. */
    private static final String APPLIED = IdempotencyFilter.class.getName() + ".applied";

    /** Needs no configuration: {@code new IdempotencyFilter()}, or by class name in {@code web.xml}. */
    public IdempotencyFilter() {
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http) || !(response instanceof HttpServletResponse answer)) {
            chain.doFilter(request, response);
            return;
        }
        if (isApplied(http)) {
            // registered by the application and installed by the agent, or mapped twice: once is what it means
            chain.doFilter(request, response);
            return;
        }
        http.setAttribute(APPLIED, Boolean.TRUE);
        try (CurrentRequest.Binding binding = CurrentRequest.bind(new HttpRequestView(http, answer))) {
            chain.doFilter(request, response);
        } catch (IOException | ServletException | RuntimeException failure) {
            if (!answered(http, answer, failure)) {
                throw failure;
            }
        }
    }

    /**
     * Whether an {@code IdempotencyFilter} covers this request already (one registered by the application, or the
     * one the agent runs): a second one passes it on untouched.
     */
    public static boolean isApplied(HttpServletRequest request) {
        return request.getAttribute(APPLIED) != null;
    }

    /** Writes the refusal behind the failure, if there is one and the response can still take it. */
    private static boolean answered(HttpServletRequest request, HttpServletResponse response, Exception failure) {
        IdempotencyException cause = Refusal.find(failure);
        Refusal refusal = cause == null ? null : Refusal.of(cause);
        if (refusal == null || request.isAsyncStarted() || response.isCommitted()) {
            return false;
        }
        try {
            response.resetBuffer();
        } catch (IllegalStateException committedMeanwhile) {
            return false;
        }
        byte[] body = refusal.body(cause.getNamespace());
        response.setStatus(refusal.status);
        response.setContentType(Refusal.CONTENT_TYPE);
        response.setContentLength(body.length);
        if (refusal.retryAfterSeconds > 0) {
            response.setHeader("Retry-After", Integer.toString(refusal.retryAfterSeconds));
        }
        try {
            write(response, body);
        } catch (IOException | RuntimeException e) {
            // the client went away or the response broke: the container deals with the original failure
            failure.addSuppressed(e);
            return false;
        }
        return true;
    }

    private static void write(HttpServletResponse response, byte[] body) throws IOException {
        ServletOutputStream out;
        try {
            out = response.getOutputStream();
        } catch (IllegalStateException writerInUse) {
            // the application took the writer before it failed; the body is ASCII, so any charset carries it
            PrintWriter writer = response.getWriter();
            writer.write(new String(body, StandardCharsets.US_ASCII));
            writer.flush();
            return;
        }
        out.write(body);
        out.flush();
    }
}

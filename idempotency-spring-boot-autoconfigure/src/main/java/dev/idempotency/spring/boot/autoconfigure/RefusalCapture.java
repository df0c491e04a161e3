package dev.idempotency.spring.boot.autoconfigure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idempotency.IdempotencyException;
import dev.idempotency.servlet.IdempotencyFilter;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;

/**
 * The answer {@link IdempotencyFilter} gives to a refusal, as a Spring MVC {@link ProblemDetail}: the filter itself
 * writes it, into a response that keeps what it is given, so status, {@code Retry-After}, title and the fixed detail
 * text are the filter's own and stay so when the filter changes.
 *
 * <p>Interim: the filter's mapping ({@code Refusal}) is package-private in idempotency-servlet. Once that module
 * offers a public way to ask for the problem of an exception, this class asks it directly instead of running the
 * filter.
 */
final class RefusalCapture extends HttpServletResponseWrapper {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final IdempotencyFilter FILTER = new IdempotencyFilter();

    private final ByteArrayOutputStream body = new ByteArrayOutputStream(512);
    private int status = 200;
    private String retryAfter;

    private RefusalCapture(HttpServletResponse response) {
        super(response);
    }

    /** The filter's answer to the exception, or {@code null} when the filter does not answer it (not a refusal). */
    static ResponseEntity<ProblemDetail> answer(IdempotencyException refusal, HttpServletRequest request,
                                                HttpServletResponse response) throws IOException {
        RefusalCapture capture = new RefusalCapture(response);
        try {
            FILTER.doFilter(request, capture, (rq, rs) -> {
                throw refusal;
            });
        } catch (IdempotencyException | ServletException notARefusal) {
            return null;
        }
        JsonNode problem = JSON.readTree(capture.body.toByteArray());
        ProblemDetail detail = ProblemDetail.forStatus(capture.status);
        detail.setTitle(problem.path("title").asText(null));
        detail.setDetail(problem.path("detail").asText(null));
        if (problem.hasNonNull("namespace")) {
            detail.setProperty("namespace", problem.get("namespace").asText());
        }
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(HttpStatusCode.valueOf(capture.status))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        if (capture.retryAfter != null) {
            answer.header(HttpHeaders.RETRY_AFTER, capture.retryAfter);
        }
        return answer.body(detail);
    }

    @Override
    public void setStatus(int sc) {
        this.status = sc;
    }

    @Override
    public void setHeader(String name, String value) {
        if (HttpHeaders.RETRY_AFTER.equalsIgnoreCase(name)) {
            retryAfter = value;
        }
    }

    @Override
    public void addHeader(String name, String value) {
        setHeader(name, value);
    }

    @Override
    public void setContentType(String type) {
    }

    @Override
    public void setContentLength(int len) {
    }

    @Override
    public void setContentLengthLong(long len) {
    }

    @Override
    public boolean isCommitted() {
        return false;
    }

    @Override
    public void resetBuffer() {
        body.reset();
    }

    @Override
    public void reset() {
        body.reset();
    }

    @Override
    public void flushBuffer() {
    }

    @Override
    public ServletOutputStream getOutputStream() {
        return new ServletOutputStream() {
            @Override
            public boolean isReady() {
                return true;
            }

            @Override
            public void setWriteListener(WriteListener writeListener) {
                throw new UnsupportedOperationException("a captured answer is written at once");
            }

            @Override
            public void write(int b) {
                body.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                body.write(b, off, len);
            }
        };
    }

    @Override
    public PrintWriter getWriter() {
        return new PrintWriter(new java.io.OutputStreamWriter(body, StandardCharsets.UTF_8), true);
    }
}

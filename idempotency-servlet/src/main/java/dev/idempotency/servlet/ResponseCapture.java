package dev.idempotency.servlet;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Holds back the body of a route-mode response until the application is done, so that it can be recorded before the
 * client sees it. Status and headers go to the real response at once (a filter outside sees them, and an
 * asynchronous request that writes to the unwrapped response keeps them); they are read back from it at the end.
 *
 * <p>A body that grows past the limit, and one written after the request went asynchronous, is not held: what was held
 * is written out and the rest goes straight through ({@link #isLive}), and nothing is recorded.
 */
final class ResponseCapture extends HttpServletResponseWrapper {

    /**
     * Headers that belong to one response, never recorded: hop-by-hop headers, {@code Date}, {@code Content-Length}
     * (set from the body), {@code Set-Cookie} (a session or token of the first caller must not go to whoever sends
     * the key again), and our own marker.
     */
    static final Set<String> NOT_RECORDED = Set.of("date", "connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "te", "trailer", "upgrade", "content-length", "content-type", "set-cookie",
            "set-cookie2", IdempotencyFilter.REPLAYED_HEADER.toLowerCase(Locale.ROOT));

    private final HttpServletResponse real;
    private final int limit;
    private final Set<String> before;
    private byte[] buffer = new byte[512];
    private int size;
    private boolean live;
    private boolean overflowed;
    private Stream stream;
    private PrintWriter writer;
    /** Set once the application called {@code sendError} or {@code sendRedirect}: later writes are ignored. */
    private boolean done;
    private String error;

    ResponseCapture(HttpServletResponse real, int limit) {
        super(real);
        this.real = real;
        this.limit = limit;
        this.before = names(real.getHeaderNames());
    }

    private static Set<String> names(Collection<String> names) {
        Set<String> set = new HashSet<>();
        for (String name : names) {
            set.add(name.toLowerCase(Locale.ROOT));
        }
        return set;
    }

    @Override
    public synchronized ServletOutputStream getOutputStream() throws IOException {
        if (writer != null) {
            throw new IllegalStateException("getWriter() was already called for this response");
        }
        if (stream == null) {
            stream = new Stream();
        }
        return stream;
    }

    @Override
    public synchronized PrintWriter getWriter() throws IOException {
        if (stream != null && writer == null) {
            throw new IllegalStateException("getOutputStream() was already called for this response");
        }
        if (writer == null) {
            // as containers do: the charset is fixed now, and named in the Content-Type
            String encoding = real.getCharacterEncoding();
            real.setCharacterEncoding(encoding);
            Charset charset = encoding == null ? StandardCharsets.ISO_8859_1 : Charset.forName(encoding);
            stream = new Stream();
            writer = new PrintWriter(new OutputStreamWriter(stream, charset), false);
        }
        return writer;
    }

    @Override
    public synchronized void flushBuffer() throws IOException {
        flushWriter();
        if (live) {
            real.flushBuffer();
        }
        // held: the response is complete only when the application is done, so nothing is sent yet
    }

    @Override
    public synchronized boolean isCommitted() {
        return done || real.isCommitted();
    }

    @Override
    public synchronized void resetBuffer() {
        clear(false);
    }

    @Override
    public synchronized void reset() {
        clear(true);
    }

    /** Drops the held body, and with {@code all} the status and headers too (on the real response). */
    private void clear(boolean all) {
        if (!live) {
            check();
            flushWriter();
            size = 0;
        }
        if (all) {
            real.reset();
        } else {
            real.resetBuffer();
        }
    }

    private void check() {
        if (done) {
            throw new IllegalStateException("the response was already sent (sendError or sendRedirect)");
        }
    }

    @Override
    public synchronized void sendError(int sc) throws IOException {
        sendError(sc, null);
    }

    @Override
    public synchronized void sendError(int sc, String msg) throws IOException {
        if (live) {
            real.sendError(sc, msg);
            return;
        }
        check();
        flushWriter();
        size = 0;
        real.resetBuffer();
        real.setStatus(sc);
        error = msg == null ? "" : msg;
        done = true;
    }

    @Override
    public synchronized void sendRedirect(String location) throws IOException {
        sendRedirect(location, SC_FOUND, true);
    }

    @Override
    public synchronized void sendRedirect(String location, boolean clearBuffer) throws IOException {
        sendRedirect(location, SC_FOUND, clearBuffer);
    }

    @Override
    public synchronized void sendRedirect(String location, int sc) throws IOException {
        sendRedirect(location, sc, true);
    }

    /** The Location goes out as the application gave it, on the first answer and on every replay alike. */
    @Override
    public synchronized void sendRedirect(String location, int sc, boolean clearBuffer) throws IOException {
        if (live) {
            real.sendRedirect(location, sc, clearBuffer);
            return;
        }
        check();
        flushWriter();
        if (clearBuffer) {
            size = 0;
            real.resetBuffer();
        }
        real.setStatus(sc);
        real.setHeader("Location", location);
        done = true;
    }

    /** Whether the body is no longer held (over the limit, or after the request went asynchronous). */
    synchronized boolean isLive() {
        return live;
    }

    synchronized boolean overflowed() {
        return overflowed;
    }

    /** Writes out what is held and lets the rest of the body through: the response will not be recorded. */
    synchronized void goLive() throws IOException {
        if (live) {
            return;
        }
        flushWriter();
        live = true;
        if (error != null) {
            real.sendError(real.getStatus(), error.isEmpty() ? null : error);
        } else if (size > 0) {
            real.getOutputStream().write(buffer, 0, size);
        }
        size = 0;
    }

    /** The response as it stands, to record: to be called when the application is done. */
    synchronized RecordedResponse record() {
        flushWriter();
        List<RecordedResponse.Header> headers = new ArrayList<>();
        String type = real.getContentType();
        if (type != null) {
            headers.add(new RecordedResponse.Header("Content-Type", type));
        }
        for (String name : new java.util.LinkedHashSet<>(real.getHeaderNames())) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (NOT_RECORDED.contains(lower) || before.contains(lower)) {
                continue;
            }
            for (String value : real.getHeaders(name)) {
                headers.add(new RecordedResponse.Header(name, value));
            }
        }
        return new RecordedResponse(real.getStatus(), List.copyOf(headers), Arrays.copyOf(buffer, size), error);
    }

    /** Sends the held response, as recorded or as it stands when it was not recorded. */
    synchronized void send() throws IOException {
        if (live) {
            return;
        }
        flushWriter();
        live = true;
        send(real, error, buffer, size);
    }

    /** The body part of an answer: the container's error page, or the bytes with their length. */
    static void send(HttpServletResponse response, String error, byte[] body, int length) throws IOException {
        if (error != null) {
            response.sendError(response.getStatus(), error.isEmpty() ? null : error);
            return;
        }
        response.setContentLength(length);
        if (length > 0) {
            ServletOutputStream out = response.getOutputStream();
            out.write(body, 0, length);
        }
    }

    private void flushWriter() {
        if (writer != null) {
            writer.flush();
        }
    }

    private synchronized void append(byte[] b, int off, int len) throws IOException {
        if (done && !live) {
            return; // after sendError or sendRedirect, as a container ignores it
        }
        if (live) {
            real.getOutputStream().write(b, off, len);
            return;
        }
        if ((long) size + len > limit) {
            overflowed = true;
            goLive();
            real.getOutputStream().write(b, off, len);
            return;
        }
        if (size + len > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(size + len, Math.min(limit, buffer.length * 2)));
        }
        System.arraycopy(b, off, buffer, size, len);
        size += len;
    }

    /** The body, held or passed through; the application's writer encodes into it. */
    private final class Stream extends ServletOutputStream {
        private final byte[] one = new byte[1];

        @Override
        public void write(int b) throws IOException {
            synchronized (ResponseCapture.this) {
                one[0] = (byte) b;
                append(one, 0, 1);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            append(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            synchronized (ResponseCapture.this) {
                if (live) {
                    real.getOutputStream().flush();
                }
            }
        }

        @Override
        public boolean isReady() {
            synchronized (ResponseCapture.this) {
                return !live || ioReady();
            }
        }

        private boolean ioReady() {
            try {
                return real.getOutputStream().isReady();
            } catch (IOException e) {
                return true; // the next write reports it
            }
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            // non-blocking output is asynchronous: such a response is passed through and not recorded
            try {
                synchronized (ResponseCapture.this) {
                    goLive();
                }
                real.getOutputStream().setWriteListener(listener);
            } catch (IOException e) {
                listener.onError(e);
            }
        }
    }
}

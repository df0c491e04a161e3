package dev.idempotency.examples;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * HTTP/1.1 messages as the bytes that travel, for the demo's proxy and for sending a captured request again exactly
 * as it was: nothing is parsed into a client's model and rebuilt, so not one header or byte changes. Messages framed
 * by {@code Content-Length} only (or without a body), which is what the JDK's client sends for a known body and what
 * {@link ApiServer} answers; anything else is refused rather than guessed at.
 */
final class RawHttp {

    private static final int MAX_HEAD = 64 * 1024;
    private static final int TIMEOUT_MILLIS = 10_000;

    private RawHttp() {
    }

    /**
     * One message.
     *
     * @param head  the start line and the header lines, as received
     * @param bytes the whole message as received: head, blank line and body
     * @param body  the body
     */
    record Message(String head, byte[] bytes, byte[] body) {

        /** The first value of a header, or null; the name in any case. */
        String header(String name) {
            return RawHttp.header(head, name);
        }

        /** A response's status code. */
        int status() {
            String[] start = head.split("\r\n", 2)[0].split(" ", 3);
            if (start.length < 2 || !start[0].startsWith("HTTP/")) {
                throw new IllegalStateException("not a response: " + head.split("\r\n", 2)[0]);
            }
            return Integer.parseInt(start[1]);
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * Reads the next message off a connection (a buffered stream, kept for the connection's next message); null when
     * the peer closed it before sending a byte (the end of a keep-alive connection).
     */
    static Message read(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0; // how much of CR LF CR LF has been seen
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new EOFException("the connection closed inside a message's header");
            }
            head.write(b);
            matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
            if (head.size() > MAX_HEAD) {
                throw new IOException("a message header longer than " + MAX_HEAD + " bytes");
            }
        }
        String headText = head.toString(StandardCharsets.ISO_8859_1);
        headText = headText.substring(0, headText.length() - 4);
        if (header(headText, "Transfer-Encoding") != null) {
            throw new IOException("Transfer-Encoding " + header(headText, "Transfer-Encoding")
                    + " is not supported here; send a Content-Length");
        }
        String length = header(headText, "Content-Length");
        int expected = length == null ? 0 : contentLength(length);
        byte[] body = in.readNBytes(expected);
        if (body.length != expected) {
            throw new EOFException("the connection closed after " + body.length + " of " + expected + " body bytes");
        }
        head.write(body);
        return new Message(headText, head.toByteArray(), body);
    }

    private static String header(String head, String name) {
        String prefix = name.toLowerCase(Locale.ROOT) + ":";
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                return line.substring(prefix.length()).trim();
            }
        }
        return null;
    }

    private static int contentLength(String value) throws IOException {
        try {
            int n = Integer.parseInt(value);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IOException("Content-Length " + value + " is not a length");
    }

    /** Sends these bytes on a new connection and reads the answer: a client that changes nothing, not even Host. */
    static Message exchange(InetSocketAddress address, byte[] request) throws IOException {
        try (Socket socket = connect(address)) {
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            Message response = read(new BufferedInputStream(socket.getInputStream()));
            if (response == null) {
                throw new EOFException("the server closed the connection without answering");
            }
            return response;
        }
    }

    static Socket connect(InetSocketAddress address) throws IOException {
        Socket socket = new Socket();
        socket.connect(address, TIMEOUT_MILLIS);
        socket.setSoTimeout(TIMEOUT_MILLIS);
        return socket;
    }
}

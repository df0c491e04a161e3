package dev.idempotency.servlet;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request whose body the filter has read (to fingerprint it) and hands on to the application: the same bytes through
 * {@link #getInputStream} or {@link #getReader}, and, for a form ({@code application/x-www-form-urlencoded}), the
 * parameters, which the container can no longer parse from a body already read.
 */
final class BufferedRequest extends HttpServletRequestWrapper {

    private static final String FORM = "application/x-www-form-urlencoded";

    private final byte[] body;
    private boolean usedStream;
    private boolean usedReader;
    private Map<String, String[]> form;

    BufferedRequest(HttpServletRequest request, byte[] body) {
        super(request);
        this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
        if (usedReader) {
            throw new IllegalStateException("getReader() was already called for this request");
        }
        usedStream = true;
        return new BodyStream(body);
    }

    @Override
    public BufferedReader getReader() throws UnsupportedEncodingException {
        if (usedStream) {
            throw new IllegalStateException("getInputStream() was already called for this request");
        }
        usedReader = true;
        return new BufferedReader(new InputStreamReader(new ByteArrayInputStream(body), charset()));
    }

    @Override
    public int getContentLength() {
        return body.length;
    }

    @Override
    public long getContentLengthLong() {
        return body.length;
    }

    @Override
    public String getParameter(String name) {
        if (!isForm()) {
            return super.getParameter(name);
        }
        String[] values = form().get(name);
        return values == null ? null : values[0];
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        return isForm() ? Collections.unmodifiableMap(form()) : super.getParameterMap();
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return isForm() ? Collections.enumeration(form().keySet()) : super.getParameterNames();
    }

    @Override
    public String[] getParameterValues(String name) {
        if (!isForm()) {
            return super.getParameterValues(name);
        }
        String[] values = form().get(name);
        return values == null ? null : values.clone();
    }

    private boolean isForm() {
        String type = getContentType();
        return type != null && type.toLowerCase(Locale.ROOT).startsWith(FORM);
    }

    /** The query's parameters, then the body's, as a container merges them (both decoded from UTF-8 by default). */
    private Map<String, String[]> form() {
        if (form == null) {
            Map<String, List<String>> values = new LinkedHashMap<>();
            String query = getQueryString();
            if (query != null) {
                parse(query, StandardCharsets.UTF_8, values);
            }
            Charset charset = charset();
            parse(new String(body, StandardCharsets.ISO_8859_1), charset, values);
            Map<String, String[]> map = new LinkedHashMap<>();
            values.forEach((k, v) -> map.put(k, v.toArray(new String[0])));
            form = map;
        }
        return form;
    }

    private static void parse(String text, Charset charset, Map<String, List<String>> into) {
        for (String pair : text.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq), charset);
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), charset);
            into.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
        }
    }

    /** The text is the body's bytes as Latin-1, so each byte is one char until decoded here. */
    private static String decode(String text, Charset charset) {
        try {
            String bytes = URLDecoder.decode(text, StandardCharsets.ISO_8859_1);
            return new String(bytes.getBytes(StandardCharsets.ISO_8859_1), charset);
        } catch (IllegalArgumentException malformed) {
            return text; // a stray % is taken as it is, as containers do
        }
    }

    /** The request's declared encoding, else UTF-8 (what browsers send forms in). */
    private Charset charset() {
        String name = getCharacterEncoding();
        if (name != null) {
            try {
                return Charset.forName(name);
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                // an unknown charset: read as UTF-8
            }
        }
        return StandardCharsets.UTF_8;
    }

    /** The buffered bytes; always ready, never blocking. */
    private static final class BodyStream extends ServletInputStream {
        private final ByteArrayInputStream in;

        BodyStream(byte[] body) {
            this.in = new ByteArrayInputStream(body);
        }

        @Override
        public int read() {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) {
            return in.read(b, off, len);
        }

        @Override
        public byte[] readAllBytes() {
            return in.readAllBytes();
        }

        @Override
        public int available() {
            return in.available();
        }

        @Override
        public boolean isFinished() {
            return in.available() == 0;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            try {
                listener.onDataAvailable();
                listener.onAllDataRead();
            } catch (IOException e) {
                listener.onError(e);
            }
        }
    }
}

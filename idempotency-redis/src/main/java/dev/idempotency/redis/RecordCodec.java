package dev.idempotency.redis;

import dev.idempotency.spi.Outcome;
import dev.idempotency.spi.StoredRecord;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The value stored at a record's key: a version header, the state, then length-prefixed fields (netstrings,
 * {@code <byte length>:<UTF-8 bytes>,}), so that no field content can be mistaken for structure.
 *
 * <pre>
 * in progress:  v1:P &lt;owner&gt; &lt;fingerprint&gt;
 * completed:    v1:C &lt;fingerprint&gt; V &lt;body&gt;             the method returned
 *               v1:C &lt;fingerprint&gt; E &lt;type&gt; &lt;body&gt;      it threw a remembered exception
 *               v1:C &lt;fingerprint&gt; U &lt;reason&gt;           its result could not be encoded
 *
 * e.g.          v1:P19:4f1c0e9a2b7d5e31-1a,43:Xz...,
 *               v1:C43:Xz...,V27:{"id":"tx-1","amount":12.50},
 * </pre>
 *
 * The owner comes first in an in-progress record, so the scripts check ownership with one prefix comparison
 * ({@link #ownerPrefix}) and turn a claim into a completed record by keeping the fingerprint field that follows it.
 * Decoding is strict: anything else, including trailing bytes and malformed UTF-8, is refused.
 */
final class RecordCodec {

    static final byte[] IN_PROGRESS = ascii("v1:P");
    static final byte[] COMPLETED = ascii("v1:C");
    private static final int HEADER = 4;
    private static final int MAX_LENGTH_DIGITS = 10;

    private RecordCodec() {
    }

    /** A value that is not a record this library wrote; the message says what is wrong with it. */
    static final class MalformedRecordException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedRecordException(String message) {
            super(message, null, false, false);
        }
    }

    /** {@code v1:P <owner> <fingerprint>}. */
    static byte[] inProgress(String owner, String fingerprint) {
        byte[] o = owner.getBytes(StandardCharsets.UTF_8);
        byte[] f = fingerprint.getBytes(StandardCharsets.UTF_8);
        Writer w = new Writer(HEADER + netstringSize(o) + netstringSize(f));
        return w.raw(IN_PROGRESS).field(o).field(f).done();
    }

    /** {@code v1:P <owner>}: the start of exactly the in-progress records that {@code owner} holds. */
    static byte[] ownerPrefix(String owner) {
        byte[] o = owner.getBytes(StandardCharsets.UTF_8);
        return new Writer(HEADER + netstringSize(o)).raw(IN_PROGRESS).field(o).done();
    }

    /** What follows the fingerprint in a completed record. */
    static byte[] outcomeTail(Outcome outcome) {
        byte[] body = outcome.body().getBytes(StandardCharsets.UTF_8);
        switch (outcome.kind()) {
            case VALUE:
                return new Writer(1 + netstringSize(body)).raw('V').field(body).done();
            case EXCEPTION:
                byte[] type = outcome.type().getBytes(StandardCharsets.UTF_8);
                return new Writer(1 + netstringSize(type) + netstringSize(body)).raw('E').field(type).field(body).done();
            case UNREPLAYABLE:
                return new Writer(1 + netstringSize(body)).raw('U').field(body).done();
            default:
                throw new IllegalArgumentException("unknown outcome kind " + outcome.kind());
        }
    }

    /**
     * A completed record, as the complete script builds it from a claim: byte for byte what {@link #decode} read it
     * from (the format has one spelling per record), so the store can ask Redis whether a key still holds it.
     */
    static byte[] completed(String fingerprint, Outcome outcome) {
        byte[] f = fingerprint.getBytes(StandardCharsets.UTF_8);
        byte[] tail = outcomeTail(outcome);
        return new Writer(HEADER + netstringSize(f) + tail.length).raw(COMPLETED).field(f).raw(tail).done();
    }

    static StoredRecord decode(byte[] value) throws MalformedRecordException {
        Reader r = new Reader(value);
        r.header();
        byte state = r.next("the state");
        if (state == 'P') {
            String owner = r.field("the owner");
            String fingerprint = r.field("the fingerprint");
            r.end();
            return StoredRecord.inProgress(owner, fingerprint);
        }
        if (state != 'C') {
            throw new MalformedRecordException("unknown state '" + printable(state) + "' (expected P or C)");
        }
        String fingerprint = r.field("the fingerprint");
        byte kind = r.next("the outcome kind");
        Outcome outcome;
        switch (kind) {
            case 'V' -> outcome = Outcome.value(r.field("the value"));
            case 'E' -> {
                String type = r.field("the exception type");
                outcome = Outcome.exception(type, r.field("the exception"));
            }
            case 'U' -> outcome = Outcome.unreplayable(r.field("the reason"));
            default -> throw new MalformedRecordException("unknown outcome kind '" + printable(kind)
                    + "' (expected V, E or U)");
        }
        r.end();
        return StoredRecord.completed(fingerprint, outcome);
    }

    private static int netstringSize(byte[] content) {
        return digits(content.length) + 1 + content.length + 1;
    }

    private static int digits(int n) {
        int d = 1;
        while (n >= 10) {
            n /= 10;
            d++;
        }
        return d;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String printable(byte b) {
        return b >= 0x21 && b < 0x7f ? String.valueOf((char) b) : String.format("\\x%02x", b & 0xff);
    }

    private static final class Writer {
        private final byte[] out;
        private int pos;

        Writer(int size) {
            out = new byte[size];
        }

        Writer raw(byte[] bytes) {
            System.arraycopy(bytes, 0, out, pos, bytes.length);
            pos += bytes.length;
            return this;
        }

        Writer raw(char c) {
            out[pos++] = (byte) c;
            return this;
        }

        Writer field(byte[] content) {
            int n = content.length;
            int end = pos + digits(n);
            for (int i = end - 1; i >= pos; i--) {
                out[i] = (byte) ('0' + n % 10);
                n /= 10;
            }
            pos = end;
            out[pos++] = ':';
            raw(content);
            out[pos++] = ',';
            return this;
        }

        byte[] done() {
            if (pos != out.length) {
                throw new IllegalStateException("record size miscounted: " + pos + " of " + out.length);
            }
            return out;
        }
    }

    private static final class Reader {
        private final byte[] in;
        private int pos;

        Reader(byte[] in) {
            this.in = in;
        }

        void header() throws MalformedRecordException {
            if (in.length >= 3 && in[0] == 'v' && in[2] == ':' && in[1] >= '2' && in[1] <= '9') {
                throw new MalformedRecordException("record format v" + (char) in[1]
                        + " is newer than this library reads (v1)");
            }
            if (in.length < HEADER - 1 || in[0] != 'v' || in[1] != '1' || in[2] != ':') {
                throw new MalformedRecordException("it does not start with the record header 'v1:'");
            }
            pos = HEADER - 1;
        }

        byte next(String what) throws MalformedRecordException {
            if (pos >= in.length) {
                throw new MalformedRecordException("it ends before " + what);
            }
            return in[pos++];
        }

        String field(String what) throws MalformedRecordException {
            int start = pos;
            long length = 0;
            while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
                length = length * 10 + (in[pos++] - '0');
                if (pos - start > MAX_LENGTH_DIGITS) {
                    throw new MalformedRecordException("the length of " + what + " is too long");
                }
            }
            int digits = pos - start;
            if (digits == 0 || pos >= in.length || in[pos] != ':') {
                throw new MalformedRecordException(what + " is not a length-prefixed field at byte " + start);
            }
            if (digits > 1 && in[start] == '0') {
                throw new MalformedRecordException("the length of " + what + " has a leading zero");
            }
            pos++;
            if (length > in.length - pos - 1 || in[pos + (int) length] != ',') {
                throw new MalformedRecordException(what + " (" + length + " bytes at byte " + pos
                        + ") overruns the value or lacks its closing ','");
            }
            int n = (int) length;
            String text = new String(in, pos, n, StandardCharsets.UTF_8);
            if (text.indexOf('\uFFFD') >= 0 && !validUtf8(in, pos, n)) {
                throw new MalformedRecordException(what + " is not valid UTF-8");
            }
            pos += n + 1;
            return text;
        }

        void end() throws MalformedRecordException {
            if (pos != in.length) {
                throw new MalformedRecordException((in.length - pos) + " unexpected bytes after the record");
            }
        }

        private static boolean validUtf8(byte[] bytes, int offset, int length) {
            try {
                StandardCharsets.UTF_8.newDecoder()
                        .decode(java.nio.ByteBuffer.wrap(Arrays.copyOfRange(bytes, offset, offset + length)));
                return true;
            } catch (java.nio.charset.CharacterCodingException e) {
                return false;
            }
        }
    }
}

package dev.idempotency.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Array;
import java.lang.reflect.RecordComponent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalAmount;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * The canonical byte form of a payload, for fingerprints only (it is hashed, never read back). Strings, numbers,
 * enums, {@code java.time} values, records, collections, maps and {@code Optional} are written directly: tagged, with
 * lengths, map entries and set elements in sorted order, so equal payloads give equal bytes however they were built.
 * Any other object (a JavaBean, say) is written as Jackson's canonical JSON (properties sorted).
 *
 * <p>Why not JSON for everything: Jackson was most of the cost of a replay; this form costs a fraction for the
 * records and strings that service methods mostly take.
 */
final class CanonicalBytes {

    private static final int MAX_DEPTH = 64;
    private static final MethodType READER = MethodType.methodType(Object.class, Object.class);

    /** Record component names and readers, worked out once per record class. */
    private static final ClassValue<Object[]> RECORDS = new ClassValue<>() {
        @Override
        protected Object[] computeValue(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            String[] names = new String[components.length];
            MethodHandle[] readers = new MethodHandle[components.length];
            for (int i = 0; i < components.length; i++) {
                names[i] = components[i].getName();
                try {
                    java.lang.reflect.Method accessor = components[i].getAccessor();
                    accessor.trySetAccessible();
                    readers[i] = MethodHandles.lookup().unreflect(accessor).asType(READER);
                } catch (IllegalAccessException e) {
                    readers[i] = null; // not readable from here: the record is written as JSON instead
                }
            }
            return new Object[] {names, readers};
        }
    };

    private byte[] bytes = new byte[256];
    private int size;

    byte[] buffer() {
        return bytes;
    }

    int size() {
        return size;
    }

    /** Empties the buffer, keeping its first byte for {@code prefix} (see {@link Fingerprints}). */
    CanonicalBytes reset(byte prefix) {
        bytes[0] = prefix;
        size = 1;
        return this;
    }

    void write(Object value) throws JsonProcessingException {
        write(value, 0);
    }

    private void write(Object value, int depth) throws JsonProcessingException {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("the payload nests deeper than " + MAX_DEPTH + " levels (a cycle?)");
        }
        if (value == null) {
            tag('0');
        } else if (value instanceof String s) {
            tag('S');
            string(s);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte) {
            tag('I');
            int64(((Number) value).longValue());
        } else if (value instanceof Boolean b) {
            tag(b ? 'T' : 'F');
        } else if (value instanceof Double || value instanceof Float) {
            tag(value instanceof Double ? 'D' : 'f');
            int64(Double.doubleToLongBits(((Number) value).doubleValue()));
        } else if (value instanceof BigDecimal || value instanceof BigInteger) {
            tag(value instanceof BigDecimal ? 'B' : 'G');
            string(value.toString());
        } else if (value instanceof Character c) {
            tag('C');
            int64(c);
        } else if (value instanceof Enum<?> e) {
            tag('E');
            string(e.name());
        } else if (value instanceof UUID u) {
            tag('U');
            int64(u.getMostSignificantBits());
            int64(u.getLeastSignificantBits());
        } else if (value instanceof TemporalAccessor || value instanceof TemporalAmount
                || value instanceof java.time.ZoneId) {
            tag('t');
            string(value.getClass().getName());
            string(value.toString());
        } else if (value instanceof Record) {
            record(value, depth);
        } else if (value instanceof Optional<?> o) {
            tag('O');
            write(o.orElse(null), depth + 1);
        } else if (value instanceof Set<?> set) {
            tag('s');
            sorted(set, depth);
        } else if (value instanceof Collection<?> list) {
            tag('L');
            int32(list.size());
            for (Object element : list) {
                write(element, depth + 1);
            }
        } else if (value instanceof Map<?, ?> map) {
            map(map, depth);
        } else if (value instanceof byte[] raw) {
            tag('b');
            int32(raw.length);
            ensure(raw.length);
            System.arraycopy(raw, 0, bytes, size, raw.length);
            size += raw.length;
        } else if (value.getClass().isArray()) {
            tag('A');
            int length = Array.getLength(value);
            int32(length);
            for (int i = 0; i < length; i++) {
                write(Array.get(value, i), depth + 1);
            }
        } else {
            json(value);
        }
    }

    private void record(Object value, int depth) throws JsonProcessingException {
        Object[] layout = RECORDS.get(value.getClass());
        String[] names = (String[]) layout[0];
        MethodHandle[] readers = (MethodHandle[]) layout[1];
        for (MethodHandle reader : readers) {
            if (reader == null) {
                json(value);
                return;
            }
        }
        tag('R');
        int32(names.length);
        for (int i = 0; i < names.length; i++) {
            string(names[i]);
            Object component;
            try {
                component = (Object) readers[i].invokeExact(value);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException("reading " + names[i] + " of " + value.getClass().getName(), t);
            }
            write(component, depth + 1);
        }
    }

    /** Elements in the order of their own canonical bytes, so that iteration order does not matter. */
    private void sorted(Collection<?> elements, int depth) throws JsonProcessingException {
        List<byte[]> encoded = new ArrayList<>(elements.size());
        for (Object element : elements) {
            encoded.add(encode(element, depth + 1));
        }
        encoded.sort(Arrays::compare);
        int32(encoded.size());
        for (byte[] e : encoded) {
            raw(e);
        }
    }

    private void map(Map<?, ?> map, int depth) throws JsonProcessingException {
        tag('M');
        List<byte[][]> entries = new ArrayList<>(map.size());
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            entries.add(new byte[][] {encode(entry.getKey(), depth + 1), encode(entry.getValue(), depth + 1)});
        }
        entries.sort((a, b) -> Arrays.compare(a[0], b[0]));
        int32(entries.size());
        for (byte[][] entry : entries) {
            raw(entry[0]);
            raw(entry[1]);
        }
    }

    private static byte[] encode(Object value, int depth) throws JsonProcessingException {
        CanonicalBytes nested = new CanonicalBytes();
        nested.write(value, depth);
        return Arrays.copyOf(nested.bytes, nested.size);
    }

    private void json(Object value) throws JsonProcessingException {
        tag('J');
        string(value.getClass().getName());
        byte[] json = Json.CANONICAL.writeValueAsBytes(value);
        raw(json);
    }

    private void raw(byte[] data) {
        int32(data.length);
        ensure(data.length);
        System.arraycopy(data, 0, bytes, size, data.length);
        size += data.length;
    }

    private void tag(char tag) {
        ensure(1);
        bytes[size++] = (byte) tag;
    }

    /** Length, then UTF-8: ASCII written in place, anything else through the JDK's encoder. */
    private void string(String s) {
        int length = s.length();
        int mark = size;
        int32(length);
        ensure(length);
        for (int i = 0; i < length; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                size = mark;
                raw(s.getBytes(StandardCharsets.UTF_8));
                return;
            }
            bytes[size++] = (byte) c;
        }
    }

    private void int32(int v) {
        ensure(4);
        bytes[size++] = (byte) (v >>> 24);
        bytes[size++] = (byte) (v >>> 16);
        bytes[size++] = (byte) (v >>> 8);
        bytes[size++] = (byte) v;
    }

    private void int64(long v) {
        int32((int) (v >>> 32));
        int32((int) v);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}

package dev.idempotency.testapp;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;

/**
 * A hostile class, written byte by byte: {@code HugeMethod.apply(String)}, {@code @Idempotent(key = "#p0")}, whose
 * code is a few bytes short of the JVM's 64 KiB limit. The JVM loads it; the agent's weaving cannot, because the
 * advice would push the method over the limit. Its body counts its runs in the static field {@code runs}.
 */
public final class HugeMethod {

    public static final String NAME = "dev.idempotency.testapp.HugeMethod";
    private static final int NOPS = 65_500;

    private HugeMethod() {
    }

    /** Defines the class in a loader of its own (whose parent is the system class loader) and calls it once. */
    public static String callOnce() throws ReflectiveOperationException {
        Class<?> type = define();
        try {
            Object result = type.getMethod("apply", String.class).invoke(null, "huge-1");
            return "ran " + result + " runs=" + type.getField("runs").getInt(null);
        } catch (InvocationTargetException e) {
            Throwable t = e.getCause();
            return "threw " + t.getClass().getName() + ": " + t.getMessage() + " runs=" + type.getField("runs").getInt(null);
        }
    }

    public static Class<?> define() {
        byte[] bytes = classFile();
        return new ClassLoader("huge-method", ClassLoader.getSystemClassLoader()) {
            Class<?> define() {
                return defineClass(NAME, bytes, 0, bytes.length);
            }
        }.define();
    }

    static byte[] classFile() {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(0xCAFEBABE);
            out.writeShort(0);
            out.writeShort(52); // Java 8: straight-line code needs no stack map frames
            out.writeShort(18); // constant pool count (entries 1..17)
            utf8(out, NAME.replace('.', '/'));                 // 1
            out.writeByte(7); out.writeShort(1);               // 2 Class this
            utf8(out, "java/lang/Object");                     // 3
            out.writeByte(7); out.writeShort(3);               // 4 Class super
            utf8(out, "runs");                                 // 5
            utf8(out, "I");                                    // 6
            out.writeByte(12); out.writeShort(5); out.writeShort(6); // 7 NameAndType
            out.writeByte(9); out.writeShort(2); out.writeShort(7);  // 8 Fieldref
            utf8(out, "apply");                                // 9
            utf8(out, "(Ljava/lang/String;)Ljava/lang/String;"); // 10
            utf8(out, "Code");                                 // 11
            utf8(out, "RuntimeVisibleAnnotations");            // 12
            utf8(out, "Ldev/idempotency/Idempotent;");         // 13
            utf8(out, "key");                                  // 14
            utf8(out, "#p0");                                  // 15
            utf8(out, "ran");                                  // 16
            out.writeByte(8); out.writeShort(16);              // 17 String "ran"
            out.writeShort(0x0021); // public super
            out.writeShort(2);
            out.writeShort(4);
            out.writeShort(0); // interfaces
            out.writeShort(1); // fields: public static int runs
            out.writeShort(0x0009); out.writeShort(5); out.writeShort(6); out.writeShort(0);
            out.writeShort(1); // methods: public static String apply(String)
            out.writeShort(0x0009); out.writeShort(9); out.writeShort(10);
            out.writeShort(2); // attributes: Code, RuntimeVisibleAnnotations
            int codeLength = 11 + NOPS;
            out.writeShort(11); out.writeInt(12 + codeLength);
            out.writeShort(2); out.writeShort(1); out.writeInt(codeLength);
            out.writeByte(0xB2); out.writeShort(8); // getstatic runs
            out.writeByte(0x04);                    // iconst_1
            out.writeByte(0x60);                    // iadd
            out.writeByte(0xB3); out.writeShort(8); // putstatic runs
            for (int i = 0; i < NOPS; i++) {
                out.writeByte(0x00);                // nop
            }
            out.writeByte(0x12); out.writeByte(17); // ldc "ran"
            out.writeByte(0xB0);                    // areturn
            out.writeShort(0); out.writeShort(0);   // no exception table, no attributes
            out.writeShort(12); out.writeInt(11);
            out.writeShort(1); out.writeShort(13); out.writeShort(1); // one annotation, one pair
            out.writeShort(14); out.writeByte('s'); out.writeShort(15); // key = "#p0"
            out.writeShort(0); // class attributes
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void utf8(DataOutputStream out, String text) throws IOException {
        out.writeByte(1);
        out.writeUTF(text);
    }
}

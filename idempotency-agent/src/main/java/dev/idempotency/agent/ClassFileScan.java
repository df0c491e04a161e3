package dev.idempotency.agent;

import java.nio.charset.StandardCharsets;

/**
 * The cheap test every loaded class goes through before Byte Buddy looks at it: a walk over the class file's
 * constant pool (no parsing of fields, methods or code) for the annotation's descriptor. A class that uses
 * {@code @Idempotent} anywhere has the constant {@code Ldev/idempotency/Idempotent;}; a class without it is never
 * parsed, matched or transformed.
 */
final class ClassFileScan {

    /** The constant pool names {@code @Idempotent}'s descriptor. */
    static final int NAMES_IDEMPOTENT = 1;
    /** The class was woven by the AspectJ route already (it calls {@code IdempotentAspect}). */
    static final int WOVEN_BY_ASPECT = 2;

    private static final byte[] IDEMPOTENT = "Ldev/idempotency/Idempotent;".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ASPECT = "dev/idempotency/aspect/IdempotentAspect".getBytes(StandardCharsets.US_ASCII);

    private ClassFileScan() {
    }

    /**
     * The flags found in the class file. Anything this walk does not understand (a truncated file, a constant kind
     * from a future class file version) answers {@link #NAMES_IDEMPOTENT}, leaving the decision to Byte Buddy.
     */
    static int scan(byte[] classFile) {
        try {
            if (classFile.length < 10 || u2(classFile, 0) != 0xCAFE || u2(classFile, 2) != 0xBABE) {
                return NAMES_IDEMPOTENT;
            }
            int count = u2(classFile, 8);
            int at = 10;
            int flags = 0;
            for (int index = 1; index < count; index++) {
                int tag = classFile[at] & 0xFF;
                switch (tag) {
                    case 1 -> { // Utf8: u2 length, bytes
                        int length = u2(classFile, at + 1);
                        if (equals(classFile, at + 3, length, IDEMPOTENT)) {
                            flags |= NAMES_IDEMPOTENT;
                        } else if (equals(classFile, at + 3, length, ASPECT)) {
                            flags |= WOVEN_BY_ASPECT;
                        }
                        at += 3 + length;
                    }
                    case 7, 8, 16, 19, 20 -> at += 3; // Class, String, MethodType, Module, Package
                    case 15 -> at += 4; // MethodHandle
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> at += 5; // Integer, Float, refs, NameAndType, (Invoke)Dynamic
                    case 5, 6 -> { // Long, Double: two slots
                        at += 9;
                        index++;
                    }
                    default -> {
                        return NAMES_IDEMPOTENT;
                    }
                }
            }
            return flags;
        } catch (ArrayIndexOutOfBoundsException e) {
            return NAMES_IDEMPOTENT;
        }
    }

    private static int u2(byte[] b, int at) {
        return ((b[at] & 0xFF) << 8) | (b[at + 1] & 0xFF);
    }

    private static boolean equals(byte[] b, int at, int length, byte[] expected) {
        if (length != expected.length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (b[at + i] != expected[i]) {
                return false;
            }
        }
        return true;
    }
}

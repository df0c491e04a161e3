package dev.idempotency.agent;

import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;

/**
 * The fallback for every class the agent cannot instrument properly (its weaving failed, the agent failed to start,
 * or the class's loader cannot see the agent): the body of each {@code @Idempotent} method is replaced by a throw of
 * {@code IdempotencyConfigurationException} carrying the reason, so that the method refuses to run instead of running
 * without protection.
 *
 * <p>Deliberately simple and independent of the weaving path: plain ASM, one pass, no class loading, no stack map
 * frames (the new body is straight-line code), no change to the class's shape (so retransformation stays legal).
 * Every other method is copied as it is.
 */
final class Refusal {

    static final String IDEMPOTENT_DESCRIPTOR = "Ldev/idempotency/Idempotent;";
    static final String API_EXCEPTION = "dev.idempotency.IdempotencyConfigurationException";
    private static final String FALLBACK_EXCEPTION = "java/lang/IllegalStateException";
    /** A constant string holds at most 65535 bytes of modified UTF-8; the reason is cut well before. */
    private static final int MAX_REASON = 2000;

    private Refusal() {
    }

    /**
     * The class file with every {@code @Idempotent} method's body replaced by a refusal, or {@code null} when the class
     * declares no such method with a body.
     *
     * @param apiVisible whether the class's loader sees {@code IdempotencyConfigurationException} (the api), which the
     *                   refusal then throws; otherwise it throws {@code IllegalStateException}, the one sure to exist
     */
    static byte[] rewrite(byte[] classFile, String reason, boolean apiVisible) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        RefusingClass visitor = new RefusingClass(writer, cut(reason), apiVisible);
        reader.accept(visitor, 0);
        return visitor.refused == 0 ? null : writer.toByteArray();
    }

    /** Whether {@code loader} can load the api's exception, so that a refusal can throw it. Never throws. */
    static boolean apiVisible(ClassLoader loader) {
        try {
            Class.forName(API_EXCEPTION, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static String cut(String reason) {
        return reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON) + "...";
    }

    private static final class RefusingClass extends ClassVisitor {
        private final String reason;
        private final boolean apiVisible;
        private String className;
        int refused;

        RefusingClass(ClassVisitor next, String reason, boolean apiVisible) {
            super(Opcodes.ASM9, next);
            this.reason = reason;
            this.apiVisible = apiVisible;
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                String[] interfaces) {
            className = name.replace('/', '.');
            super.visit(version, access, name, signature, superName, interfaces);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                String[] exceptions) {
            MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
            int noBody = Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE | Opcodes.ACC_BRIDGE | Opcodes.ACC_SYNTHETIC;
            if ((access & noBody) != 0 || name.startsWith("<")) {
                return next;
            }
            return new RefusingMethod(next, access, name, descriptor);
        }

        /** Passes everything through until the code starts; then, if the method is {@code @Idempotent}, swaps it. */
        private final class RefusingMethod extends MethodVisitor {
            private final MethodVisitor target;
            private final int access;
            private final String name;
            private final String descriptor;
            private boolean idempotent;

            RefusingMethod(MethodVisitor target, int access, String name, String descriptor) {
                super(Opcodes.ASM9, target);
                this.target = target;
                this.access = access;
                this.name = name;
                this.descriptor = descriptor;
            }

            @Override
            public net.bytebuddy.jar.asm.AnnotationVisitor visitAnnotation(String desc, boolean visible) {
                idempotent |= IDEMPOTENT_DESCRIPTOR.equals(desc);
                return super.visitAnnotation(desc, visible);
            }

            @Override
            public void visitCode() {
                if (!idempotent) {
                    super.visitCode();
                    return;
                }
                refused++;
                String method = method();
                String message = "@Idempotent " + method + " refuses to run: " + reason;
                target.visitCode();
                if (apiVisible) {
                    String type = API_EXCEPTION.replace('.', '/');
                    target.visitTypeInsn(Opcodes.NEW, type);
                    target.visitInsn(Opcodes.DUP);
                    target.visitLdcInsn(message);
                    target.visitLdcInsn(className + "." + name); // the default namespace
                    target.visitInsn(Opcodes.ACONST_NULL);
                    target.visitMethodInsn(Opcodes.INVOKESPECIAL, type, "<init>",
                            "(Ljava/lang/String;Ljava/lang/String;Ljava/lang/String;)V", false);
                } else {
                    target.visitTypeInsn(Opcodes.NEW, FALLBACK_EXCEPTION);
                    target.visitInsn(Opcodes.DUP);
                    target.visitLdcInsn(message);
                    target.visitMethodInsn(Opcodes.INVOKESPECIAL, FALLBACK_EXCEPTION, "<init>",
                            "(Ljava/lang/String;)V", false);
                }
                target.visitInsn(Opcodes.ATHROW);
                int locals = Type.getArgumentsAndReturnSizes(descriptor) >> 2;
                target.visitMaxs(5, (access & Opcodes.ACC_STATIC) != 0 ? locals - 1 : locals);
                // the original code, its frames, tables and code annotations are dropped: nothing below reaches it
                mv = null;
            }

            @Override
            public void visitEnd() {
                target.visitEnd();
            }

            /** {@code com.acme.Transfers.transfer(java.lang.String, com.acme.Request)}. */
            private String method() {
                StringBuilder sb = new StringBuilder(className).append('.').append(name).append('(');
                Type[] arguments = Type.getArgumentTypes(descriptor);
                for (int i = 0; i < arguments.length; i++) {
                    sb.append(i == 0 ? "" : ", ").append(arguments[i].getClassName());
                }
                return sb.append(')').toString();
            }
        }
    }
}

package dev.idempotency.agent;

import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Label;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import net.bytebuddy.jar.asm.Type;
import net.bytebuddy.jar.asm.TypePath;

/**
 * The advice of {@link IdempotentAdvice}, {@link PrepareAdvice} and {@link ServletAdvice}, written straight into the
 * class file with plain ASM, one pass. Byte Buddy's {@code Advice} does the same from those classes, but it loads
 * some 750 of its classes to do it, on the start-up path of the application's first {@code @Idempotent} class; this
 * loads ASM's reader and writer (about 35). Like Byte Buddy's decoration it only changes the code of existing methods
 * (no field, no method, no initializer is added), so classes can be retransformed.
 *
 * <p>What it handles is what javac writes: class files of Java 7 or later, whose stack map frames hold the method's
 * parameters where they were passed. Anything else ({@link Unsupported}) is left to Byte Buddy by the {@link Weaver}.
 *
 * <p>An {@code @Idempotent} method becomes, with its parameters' slots unchanged and the locals after them moved up by
 * two (the call, and the result or exception on the way out):
 * <pre>
 * call = AgentCalls.begin(Declaring.class, "name(descriptor)", new Object[] {args...});
 * if (call.isReplay()) return (R) call.replay();
 * try {
 *     ...the original code, each return storing its (boxed) value and jumping to the exit below...
 * } catch (Throwable t) {            // last in the exception table, so the method's own handlers come first
 *     call.failed(t);
 *     throw t;
 * }
 * exit: return (R) call.succeeded(value);   // outside the try: a failure to record is the caller's, not failed()'s
 * </pre>
 */
final class InlineAdvice {

    static final String IDEMPOTENT = "Ldev/idempotency/Idempotent;";
    private static final String CALLS = "dev/idempotency/agent/AgentCalls";
    private static final String INVOCATION = "dev/idempotency/bridge/Invocation";
    private static final String HTTP_ENTRY = "dev/idempotency/agent/HttpEntry";
    private static final String OBJECT = "java/lang/Object";
    private static final String THROWABLE = "java/lang/Throwable";
    private static final String SERVICE = "(Ljakarta/servlet/ServletRequest;Ljakarta/servlet/ServletResponse;)V";

    private InlineAdvice() {
    }

    /** A class this writer leaves to Byte Buddy. */
    static final class Unsupported extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unsupported(String message) {
            super(message, null, false, false);
        }
    }

    /** A rewritten class file and the number of {@code @Idempotent} methods that got the advice. */
    record Result(byte[] classFile, int methods) {
    }

    /**
     * The class with the advice in its {@code @Idempotent} methods and the plans' preparation at the start of its
     * static initializer and constructors; {@code null} when it declares no {@code @Idempotent} method with a body.
     */
    static Result idempotent(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        IdempotentClass visitor = new IdempotentClass(writer);
        reader.accept(visitor, ClassReader.EXPAND_FRAMES);
        return visitor.woven == 0 ? null : new Result(writer.toByteArray(), visitor.woven);
    }

    /** {@code HttpServlet} with {@link HttpEntry#service} in front of its {@code service(ServletRequest, ServletResponse)}. */
    static byte[] servlet(byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        ClassWriter writer = new ClassWriter(reader, 0);
        ServletClass visitor = new ServletClass(writer);
        reader.accept(visitor, ClassReader.EXPAND_FRAMES);
        if (!visitor.found) {
            throw new Unsupported("no public service(ServletRequest, ServletResponse)");
        }
        return writer.toByteArray();
    }

    /** The shared part: the class's name, and Java 7 or later. */
    private abstract static class Rewriting extends ClassVisitor {
        String owner;

        Rewriting(ClassVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public void visit(int version, int access, String name, String signature, String superName,
                String[] interfaces) {
            if ((version & 0xFFFF) < Opcodes.V1_7) {
                throw new Unsupported("class file version " + (version & 0xFFFF) + " is older than Java 7");
            }
            owner = name;
            super.visit(version, access, name, signature, superName, interfaces);
        }
    }

    private static final class IdempotentClass extends Rewriting {
        int woven;

        IdempotentClass(ClassVisitor next) {
            super(next);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                String[] exceptions) {
            MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
            if (name.equals("<init>") || name.equals("<clinit>")) {
                return new Preparing(next, owner);
            }
            int noBody = Opcodes.ACC_ABSTRACT | Opcodes.ACC_NATIVE | Opcodes.ACC_BRIDGE | Opcodes.ACC_SYNTHETIC;
            if ((access & noBody) != 0) {
                return next;
            }
            return new IdempotentMethod(next, this, access, name, descriptor);
        }
    }

    /** {@code AgentCalls.prepare(Declaring.class)} first: a bad annotation is reported when the class is first used. */
    private static final class Preparing extends MethodVisitor {
        private final String owner;

        Preparing(MethodVisitor next, String owner) {
            super(Opcodes.ASM9, next);
            this.owner = owner;
        }

        @Override
        public void visitCode() {
            super.visitCode();
            super.visitLdcInsn(Type.getObjectType(owner));
            super.visitMethodInsn(Opcodes.INVOKESTATIC, CALLS, "prepare", "(Ljava/lang/Class;)V", false);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            super.visitMaxs(Math.max(maxStack, 1), maxLocals);
        }
    }

    /**
     * Passes a method through until its code starts; if it carries {@code @Idempotent}, writes the entry, moves the
     * locals after the parameters up by two, turns each return into a jump to the exit, and writes the exit and the
     * handler at the end.
     */
    private static final class IdempotentMethod extends MethodVisitor {
        private final IdempotentClass type;
        private final String name;
        private final String descriptor;
        private final boolean isStatic;
        private final Type[] arguments;
        private final Type returnType;
        /** The first slot after the parameters: the call; the next one holds the result or the exception. */
        private final int callSlot;
        private final Object[] entryLocals;
        private boolean idempotent;
        private boolean active;
        private final Label body = new Label();
        private final Label exit = new Label();

        IdempotentMethod(MethodVisitor next, IdempotentClass type, int access, String name, String descriptor) {
            super(Opcodes.ASM9, next);
            this.type = type;
            this.name = name;
            this.descriptor = descriptor;
            this.isStatic = (access & Opcodes.ACC_STATIC) != 0;
            this.arguments = Type.getArgumentTypes(descriptor);
            this.returnType = Type.getReturnType(descriptor);
            List<Object> locals = new ArrayList<>();
            int slot = 0;
            if (!isStatic) {
                locals.add(type.owner);
                slot++;
            }
            for (Type argument : arguments) {
                locals.add(frameType(argument));
                slot += argument.getSize();
            }
            this.callSlot = slot;
            locals.add(INVOCATION);
            this.entryLocals = locals.toArray();
        }

        @Override
        public AnnotationVisitor visitAnnotation(String annotation, boolean visible) {
            idempotent |= IDEMPOTENT.equals(annotation);
            return super.visitAnnotation(annotation, visible);
        }

        @Override
        public void visitCode() {
            super.visitCode();
            if (!idempotent) {
                return;
            }
            active = true;
            type.woven++;
            MethodVisitor out = mv;
            out.visitLdcInsn(Type.getObjectType(type.owner));
            out.visitLdcInsn(name + descriptor);
            push(out, arguments.length);
            out.visitTypeInsn(Opcodes.ANEWARRAY, OBJECT);
            int slot = isStatic ? 0 : 1;
            for (int i = 0; i < arguments.length; i++) {
                out.visitInsn(Opcodes.DUP);
                push(out, i);
                out.visitVarInsn(arguments[i].getOpcode(Opcodes.ILOAD), slot);
                box(out, arguments[i]);
                out.visitInsn(Opcodes.AASTORE);
                slot += arguments[i].getSize();
            }
            out.visitMethodInsn(Opcodes.INVOKESTATIC, CALLS, "begin",
                    "(Ljava/lang/Class;Ljava/lang/String;[Ljava/lang/Object;)L" + INVOCATION + ";", false);
            out.visitVarInsn(Opcodes.ASTORE, callSlot);
            out.visitVarInsn(Opcodes.ALOAD, callSlot);
            out.visitMethodInsn(Opcodes.INVOKEVIRTUAL, INVOCATION, "isReplay", "()Z", false);
            out.visitJumpInsn(Opcodes.IFEQ, body);
            out.visitVarInsn(Opcodes.ALOAD, callSlot);
            out.visitMethodInsn(Opcodes.INVOKEVIRTUAL, INVOCATION, "replay", "()L" + OBJECT + ";", false);
            returnObject(out);
            out.visitLabel(body);
            out.visitFrame(Opcodes.F_NEW, entryLocals.length, entryLocals.clone(), 0, new Object[0]);
            out.visitInsn(Opcodes.NOP); // the method's own first frame, if any, must not share this offset
        }

        @Override
        public void visitFrame(int frameType, int numLocal, Object[] local, int numStack, Object[] stack) {
            if (!active) {
                super.visitFrame(frameType, numLocal, local, numStack, stack);
                return;
            }
            Object[] moved = moveLocals(numLocal, local);
            super.visitFrame(Opcodes.F_NEW, moved.length, moved, numStack, stack);
        }

        /** The frame's locals with the call and a free slot after the parameters, which must be as passed. */
        private Object[] moveLocals(int numLocal, Object[] local) {
            List<Object> out = new ArrayList<>(numLocal + 2);
            int slot = 0;
            int i = 0;
            for (; i < numLocal && slot < callSlot; i++) {
                Object entry = local[i];
                Object declared = entryLocals[out.size()];
                if (!entry.equals(declared) && entry != Opcodes.NULL) {
                    throw new Unsupported(name + descriptor + " has a frame where parameter slot " + slot + " holds "
                            + entry + ", not " + declared);
                }
                out.add(entry);
                slot += entry == Opcodes.LONG || entry == Opcodes.DOUBLE ? 2 : 1;
            }
            if (slot != callSlot) {
                throw new Unsupported(name + descriptor + " has a frame without all of its parameters");
            }
            out.add(INVOCATION);
            out.add(Opcodes.TOP);
            for (; i < numLocal; i++) {
                out.add(local[i]);
            }
            return out.toArray();
        }

        private int moved(int slot) {
            return active && slot >= callSlot ? slot + 2 : slot;
        }

        @Override
        public void visitVarInsn(int opcode, int slot) {
            super.visitVarInsn(opcode, moved(slot));
        }

        @Override
        public void visitIincInsn(int slot, int increment) {
            super.visitIincInsn(moved(slot), increment);
        }

        @Override
        public void visitLocalVariable(String local, String desc, String signature, Label start, Label end,
                int slot) {
            super.visitLocalVariable(local, desc, signature, start, end, moved(slot));
        }

        @Override
        public AnnotationVisitor visitLocalVariableAnnotation(int typeRef, TypePath typePath, Label[] start,
                Label[] end, int[] slots, String desc, boolean visible) {
            int[] movedSlots = slots.clone();
            for (int i = 0; i < movedSlots.length; i++) {
                movedSlots[i] = moved(movedSlots[i]);
            }
            return super.visitLocalVariableAnnotation(typeRef, typePath, start, end, movedSlots, desc, visible);
        }

        @Override
        public void visitInsn(int opcode) {
            if (!active || opcode < Opcodes.IRETURN || opcode > Opcodes.RETURN) {
                super.visitInsn(opcode);
                return;
            }
            if (opcode != Opcodes.RETURN) {
                box(mv, returnType);
                mv.visitVarInsn(Opcodes.ASTORE, callSlot + 1);
            }
            mv.visitJumpInsn(Opcodes.GOTO, exit);
        }

        @Override
        public void visitMaxs(int maxStack, int maxLocals) {
            if (!active) {
                super.visitMaxs(maxStack, maxLocals);
                return;
            }
            MethodVisitor out = mv;
            boolean isVoid = returnType.getSort() == Type.VOID;
            out.visitLabel(exit);
            Object[] exitLocals = isVoid ? entryLocals.clone() : append(entryLocals, OBJECT);
            out.visitFrame(Opcodes.F_NEW, exitLocals.length, exitLocals, 0, new Object[0]);
            out.visitVarInsn(Opcodes.ALOAD, callSlot);
            if (isVoid) {
                out.visitInsn(Opcodes.ACONST_NULL);
            } else {
                out.visitVarInsn(Opcodes.ALOAD, callSlot + 1);
            }
            out.visitMethodInsn(Opcodes.INVOKEVIRTUAL, INVOCATION, "succeeded", "(L" + OBJECT + ";)L" + OBJECT + ";",
                    false);
            returnObject(out);
            Label handler = new Label();
            out.visitLabel(handler);
            out.visitFrame(Opcodes.F_NEW, entryLocals.length, entryLocals.clone(), 1, new Object[] {THROWABLE});
            out.visitVarInsn(Opcodes.ASTORE, callSlot + 1);
            out.visitVarInsn(Opcodes.ALOAD, callSlot);
            out.visitVarInsn(Opcodes.ALOAD, callSlot + 1);
            out.visitMethodInsn(Opcodes.INVOKEVIRTUAL, INVOCATION, "failed", "(L" + THROWABLE + ";)V", false);
            out.visitVarInsn(Opcodes.ALOAD, callSlot + 1);
            out.visitInsn(Opcodes.ATHROW);
            // visited last, so it is last in the exception table: the method's own handlers are searched first
            out.visitTryCatchBlock(body, exit, handler, THROWABLE);
            // entry: class, name, array, array, index, and a long or double argument: 7
            super.visitMaxs(Math.max(maxStack + 2, 7), Math.max(maxLocals + 2, callSlot + 2));
        }

        /** The value on the stack (an {@code Object}) returned as the method's return type. */
        private void returnObject(MethodVisitor out) {
            if (returnType.getSort() == Type.VOID) {
                out.visitInsn(Opcodes.POP);
                out.visitInsn(Opcodes.RETURN);
                return;
            }
            String boxType = boxType(returnType);
            if (boxType != null) { // Integer.intValue(), Boolean.booleanValue(), ...
                out.visitTypeInsn(Opcodes.CHECKCAST, boxType);
                out.visitMethodInsn(Opcodes.INVOKEVIRTUAL, boxType, returnType.getClassName() + "Value",
                        "()" + returnType.getDescriptor(), false);
            } else if (!returnType.getInternalName().equals(OBJECT)) {
                out.visitTypeInsn(Opcodes.CHECKCAST, returnType.getInternalName());
            }
            out.visitInsn(returnType.getOpcode(Opcodes.IRETURN));
        }
    }

    private static final class ServletClass extends Rewriting {
        boolean found;

        ServletClass(ClassVisitor next) {
            super(next);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                String[] exceptions) {
            MethodVisitor next = super.visitMethod(access, name, descriptor, signature, exceptions);
            if (!name.equals("service") || !descriptor.equals(SERVICE) || (access & Opcodes.ACC_PUBLIC) == 0
                    || (access & (Opcodes.ACC_STATIC | Opcodes.ACC_ABSTRACT)) != 0) {
                return next;
            }
            found = true;
            return new MethodVisitor(Opcodes.ASM9, next) {
                private final Label body = new Label();

                @Override
                public void visitCode() {
                    super.visitCode();
                    mv.visitLdcInsn(Type.getObjectType(owner));
                    mv.visitVarInsn(Opcodes.ALOAD, 0);
                    mv.visitVarInsn(Opcodes.ALOAD, 1);
                    mv.visitVarInsn(Opcodes.ALOAD, 2);
                    mv.visitMethodInsn(Opcodes.INVOKESTATIC, HTTP_ENTRY, "service", "(Ljava/lang/Class;L" + OBJECT
                            + ";L" + OBJECT + ";L" + OBJECT + ";)Z", false);
                    mv.visitJumpInsn(Opcodes.IFEQ, body);
                    mv.visitInsn(Opcodes.RETURN);
                    mv.visitLabel(body);
                    Object[] locals = {owner, "jakarta/servlet/ServletRequest", "jakarta/servlet/ServletResponse"};
                    mv.visitFrame(Opcodes.F_NEW, locals.length, locals, 0, new Object[0]);
                    mv.visitInsn(Opcodes.NOP);
                }

                @Override
                public void visitMaxs(int maxStack, int maxLocals) {
                    super.visitMaxs(Math.max(maxStack, 4), maxLocals);
                }
            };
        }
    }

    private static Object frameType(Type type) {
        return switch (type.getSort()) {
            case Type.BOOLEAN, Type.CHAR, Type.BYTE, Type.SHORT, Type.INT -> Opcodes.INTEGER;
            case Type.FLOAT -> Opcodes.FLOAT;
            case Type.LONG -> Opcodes.LONG;
            case Type.DOUBLE -> Opcodes.DOUBLE;
            case Type.ARRAY -> type.getDescriptor();
            default -> type.getInternalName();
        };
    }

    private static Object[] append(Object[] locals, Object last) {
        Object[] out = java.util.Arrays.copyOf(locals, locals.length + 1);
        out[locals.length] = last;
        return out;
    }

    private static void push(MethodVisitor out, int value) {
        if (value <= 5) {
            out.visitInsn(Opcodes.ICONST_0 + value);
        } else if (value <= Byte.MAX_VALUE) {
            out.visitIntInsn(Opcodes.BIPUSH, value);
        } else {
            out.visitIntInsn(Opcodes.SIPUSH, value);
        }
    }

    /** The box class of a primitive type, {@code null} for a reference type. */
    private static String boxType(Type type) {
        return switch (type.getSort()) {
            case Type.BOOLEAN -> "java/lang/Boolean";
            case Type.CHAR -> "java/lang/Character";
            case Type.BYTE -> "java/lang/Byte";
            case Type.SHORT -> "java/lang/Short";
            case Type.INT -> "java/lang/Integer";
            case Type.FLOAT -> "java/lang/Float";
            case Type.LONG -> "java/lang/Long";
            case Type.DOUBLE -> "java/lang/Double";
            default -> null;
        };
    }

    /** A primitive on the stack boxed; a reference left as it is. */
    private static void box(MethodVisitor out, Type type) {
        String boxType = boxType(type);
        if (boxType != null) {
            out.visitMethodInsn(Opcodes.INVOKESTATIC, boxType, "valueOf",
                    "(" + type.getDescriptor() + ")L" + boxType + ";", false);
        }
    }
}

package dev.idempotency.agent;

import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.ClassReader;

/**
 * What the agent's code in {@code HttpServlet.service} calls: the servlet hook of {@code idempotency-servlet}, found
 * once per servlet API (per {@code HttpServlet} class). The hook's classes need the container's servlet API, which
 * the system class loader, where the agent lives, usually cannot see (a Spring Boot jar keeps it in
 * {@code BOOT-INF/lib}, a Tomcat in its common loader): there they are defined in the loader of that API, from the
 * agent jar's bytes, and reach the engine through that loader's parent, the system loader.
 *
 * <p>Public only because {@code HttpServlet} calls it; it is not an API.
 */
public final class HttpEntry {

    static final String HTTP_SERVLET = "jakarta/servlet/http/HttpServlet";
    static final String LEGACY_HTTP_SERVLET = "javax/servlet/http/HttpServlet";
    private static final String PACKAGE = "dev/idempotency/servlet/";
    private static final String HOOK = "dev.idempotency.servlet.agent.ServletHook";

    /** Set when the agent starts: it opens {@code java.lang} to the agent to define classes in another loader. */
    static volatile Instrumentation inst;

    /** The hook for each {@code HttpServlet} class, or {@code null} where it could not be made (said once). */
    private static final ClassValue<MethodHandle> HOOKS = new ClassValue<>() {
        @Override
        protected MethodHandle computeValue(Class<?> httpServlet) {
            try {
                return hookFor(httpServlet);
            } catch (Throwable t) {
                AgentOutput.error("cannot run the idempotency filter in front of the servlets of " + loaderName(
                        httpServlet.getClassLoader()) + " (" + t + "): requests there get no #headers/#principal,"
                        + " no problem responses and no route mode; register dev.idempotency.servlet.IdempotencyFilter"
                        + " in the application instead");
                return null;
            }
        }
    };

    private HttpEntry() {
    }

    /** @return whether the request was handled, so that the servlet's own {@code service} body must not run */
    public static boolean service(Class<?> httpServlet, Object servlet, Object request, Object response)
            throws Throwable {
        MethodHandle hook = HOOKS.get(httpServlet);
        return hook != null && (boolean) hook.invokeExact(servlet, request, response);
    }

    /** Loaders the servlet classes were defined in: two first requests at once must not define them twice. */
    private static final Map<ClassLoader, Boolean> DEFINED = new java.util.WeakHashMap<>();

    private static synchronized MethodHandle hookFor(Class<?> httpServlet) throws Exception {
        ClassLoader apiLoader = httpServlet.getClassLoader();
        Class<?> hook;
        if (Weaver.LoaderCheck.sameClass(ClassLoader.getSystemClassLoader(), httpServlet)) {
            // the servlet API is on the class path with the agent (an application that embeds its container)
            hook = Class.forName(HOOK, true, ClassLoader.getSystemClassLoader());
        } else {
            if (apiLoader == null || !Weaver.LoaderCheck.sameClass(apiLoader, HttpEntry.class)) {
                throw new IllegalStateException("the servlet API's class loader " + loaderName(apiLoader)
                        + " does not delegate to the system class loader");
            }
            if (DEFINED.putIfAbsent(apiLoader, Boolean.TRUE) == null) {
                try {
                    define(apiLoader);
                } catch (Exception | LinkageError e) {
                    DEFINED.remove(apiLoader);
                    throw e;
                }
            }
            hook = Class.forName(HOOK, true, apiLoader);
        }
        return MethodHandles.publicLookup().findStatic(hook, "service",
                MethodType.methodType(boolean.class, Object.class, Object.class, Object.class));
    }


    /**
     * Defines the servlet module's classes in the loader, supertypes first: a class whose supertype the loader had
     * to look up would get it from the system loader, which must never define them (it cannot link them).
     */
    private static void define(ClassLoader loader) throws Exception {
        Map<String, byte[]> classes = servletClasses();
        Instrumentation instrumentation = inst;
        if (instrumentation == null) {
            throw new IllegalStateException("the agent was not started");
        }
        Module agent = HttpEntry.class.getModule();
        if (!ClassLoader.class.getModule().isOpen("java.lang", agent)) {
            instrumentation.redefineModule(ClassLoader.class.getModule(), Set.of(), Map.of(),
                    Map.of("java.lang", Set.of(agent)), Set.of(), Map.of());
        }
        Method defineClass = ClassLoader.class.getDeclaredMethod("defineClass", String.class, byte[].class,
                int.class, int.class, ProtectionDomain.class);
        defineClass.setAccessible(true);
        ProtectionDomain domain = HttpEntry.class.getProtectionDomain();
        List<String> done = new ArrayList<>();
        for (String name : classes.keySet()) {
            defineWithSupertypes(name, classes, done, defineClass, loader, domain);
        }
    }

    private static void defineWithSupertypes(String name, Map<String, byte[]> classes, List<String> done,
            Method defineClass, ClassLoader loader, ProtectionDomain domain) throws Exception {
        if (done.contains(name)) {
            return;
        }
        byte[] bytes = classes.get(name);
        ClassReader reader = new ClassReader(bytes);
        List<String> supertypes = new ArrayList<>(List.of(reader.getInterfaces()));
        if (reader.getSuperName() != null) {
            supertypes.add(reader.getSuperName());
        }
        for (String supertype : supertypes) {
            if (classes.containsKey(supertype)) {
                defineWithSupertypes(supertype, classes, done, defineClass, loader, domain);
            }
        }
        defineClass.invoke(loader, name.replace('/', '.'), bytes, 0, bytes.length, domain);
        done.add(name);
    }

    /** The class files of {@code dev/idempotency/servlet/**} where the agent's classes come from (its jar). */
    private static Map<String, byte[]> servletClasses() throws IOException, URISyntaxException {
        URL marker = ClassLoader.getSystemResource(HOOK.replace('.', '/') + ".class");
        if (marker == null) {
            throw new IllegalStateException("the agent jar holds no " + HOOK);
        }
        Map<String, byte[]> classes = new LinkedHashMap<>();
        if ("jar".equals(marker.getProtocol())) {
            JarURLConnection connection = (JarURLConnection) marker.openConnection();
            connection.setUseCaches(false);
            try (JarFile jar = new JarFile(Path.of(connection.getJarFileURL().toURI()).toFile())) {
                Enumeration<JarEntry> entries = jar.entries();
                while (entries.hasMoreElements()) {
                    JarEntry entry = entries.nextElement();
                    String name = entry.getName();
                    if (name.startsWith(PACKAGE) && name.endsWith(".class") && !name.endsWith("module-info.class")) {
                        try (InputStream in = jar.getInputStream(entry)) {
                            classes.put(name.substring(0, name.length() - 6), in.readAllBytes());
                        }
                    }
                }
            }
        } else {
            // classes in a directory: the agent's own tests
            Path file = Path.of(marker.toURI());
            Path root = file;
            for (int i = HOOK.split("\\.").length; i > 0; i--) {
                root = root.getParent();
            }
            Path base = root;
            try (Stream<Path> files = Files.walk(base.resolve(PACKAGE))) {
                for (Path p : (Iterable<Path>) files::iterator) {
                    String name = base.relativize(p).toString().replace('\\', '/');
                    if (name.endsWith(".class") && !name.endsWith("module-info.class")) {
                        classes.put(name.substring(0, name.length() - 6), Files.readAllBytes(p));
                    }
                }
            }
        }
        return classes;
    }

    private static String loaderName(ClassLoader loader) {
        return loader == null ? "the boot class loader" : loader.getClass().getName()
                + (loader.getName() == null ? "" : " '" + loader.getName() + "'");
    }
}

package dev.idempotency.aspect;

import dev.idempotency.bridge.WovenMethod;
import java.util.concurrent.ConcurrentHashMap;
import org.aspectj.lang.JoinPoint;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.aspectj.lang.reflect.MethodSignature;

/**
 * Weaves every method annotated {@code @Idempotent}, on {@code execution}, so private methods and self-calls are
 * covered too. It finds the method's compiled plan and hands the call to the engine; nothing else happens here.
 *
 * <p>Compile-time weaving: name this module as an aspect library of the AspectJ Maven plugin, next to a dependency
 * on it (compile with {@code -parameters}, so that key expressions can name parameters):
 *
 * <pre>{@code
 * <plugin>
 *   <groupId>dev.aspectj</groupId>
 *   <artifactId>aspectj-maven-plugin</artifactId>
 *   <configuration>
 *     <complianceLevel>17</complianceLevel>
 *     <parameters>true</parameters>
 *     <aspectLibraries>
 *       <aspectLibrary>
 *         <groupId>dev.idempotency</groupId>
 *         <artifactId>idempotency-aspect</artifactId>
 *       </aspectLibrary>
 *     </aspectLibraries>
 *   </configuration>
 *   <executions>
 *     <execution>
 *       <goals><goal>compile</goal><goal>test-compile</goal></goals>
 *     </execution>
 *   </executions>
 * </plugin>
 * }</pre>
 *
 * <p>Load-time weaving instead: put this jar on the class path and start the JVM with
 * {@code -javaagent:aspectjweaver.jar}; the jar's {@code META-INF/aop.xml} declares the aspect and keeps the
 * library's own packages unwoven.
 *
 * <p>The aspect is a singleton shared by all threads; it is thread-safe.
 */
@Aspect
public final class IdempotentAspect {

    /** Join point static parts are one object per woven method: an identity lookup, no reflection per call. */
    private final ConcurrentHashMap<JoinPoint.StaticPart, WovenMethod> methods = new ConcurrentHashMap<>();

    /**
     * The advice around each {@code @Idempotent} method: runs the call through the engine, which executes the method
     * once per key and answers repeats from the store. Called by woven code, not by applications.
     *
     * @param joinPoint the woven method's call
     * @return what the method returned, or the recorded result of an earlier call with the same key
     * @throws Throwable what the method throws, or one of the library's exceptions when the call is refused (a bad
     *         key, a call in progress, a key reused with other arguments, a store that cannot be reached)
     */
    @Around("execution(@dev.idempotency.Idempotent * *(..))")
    public Object around(ProceedingJoinPoint joinPoint) throws Throwable {
        JoinPoint.StaticPart site = joinPoint.getStaticPart();
        WovenMethod method = methods.get(site);
        if (method == null) {
            method = methods.computeIfAbsent(site,
                    s -> WovenMethod.of(((MethodSignature) s.getSignature()).getMethod()));
        }
        return method.execute(joinPoint.getArgs(), joinPoint::proceed);
    }
}

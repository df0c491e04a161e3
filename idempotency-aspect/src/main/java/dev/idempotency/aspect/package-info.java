/**
 * The AspectJ route: {@link dev.idempotency.aspect.IdempotentAspect} makes every {@code @Idempotent} method
 * idempotent, woven at compile time (as an {@code aspectLibrary} of the AspectJ Maven plugin) or at load time
 * ({@code -javaagent:aspectjweaver.jar} and this jar's {@code META-INF/aop.xml}). Applications do not call anything
 * here.
 */
package dev.idempotency.aspect;

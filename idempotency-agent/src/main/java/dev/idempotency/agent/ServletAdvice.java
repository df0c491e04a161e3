package dev.idempotency.agent;

import net.bytebuddy.asm.Advice;

/**
 * Inlined into {@code jakarta.servlet.http.HttpServlet.service(ServletRequest, ServletResponse)}: hands the request
 * to {@link HttpEntry}, which runs it through the idempotency filter and returns {@code true}, and the method's own
 * body is skipped; or returns {@code false} (the filter covers it already, or this is the servlet's call from inside
 * the filter), and the body runs as it is.
 */
final class ServletAdvice {

    private ServletAdvice() {
    }

    @Advice.OnMethodEnter(skipOn = Advice.OnNonDefaultValue.class)
    static boolean enter(@Advice.Origin Class<?> type, @Advice.This Object servlet,
                         @Advice.Argument(0) Object request, @Advice.Argument(1) Object response) throws Throwable {
        return HttpEntry.service(type, servlet, request, response);
    }
}

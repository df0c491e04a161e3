package dev.idempotency.servlet.agent;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.servlet.IdempotencyFilter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * What the agent runs in front of every {@code HttpServlet}: the {@link IdempotencyFilter}, so that an application
 * started with the agent gets request binding, problem responses, the replay header and route mode without
 * registering anything. The agent defines this package's classes in the class loader of the container's servlet API
 * (a Spring Boot jar's, a Tomcat's common loader), as the application cannot see the agent's copy of that API.
 *
 * <p>Public only for the agent, which calls {@link #service} from code it adds to {@code HttpServlet.service}; it is
 * not an API.
 */
public final class ServletHook {

    /** Made at the first request, from the settings the agent was started with. */
    private static volatile IdempotencyFilter filter;
    /** Whether a bad setting was reported already: once on stderr, then each request fails with it. */
    private static volatile boolean badSettingsReported;

    private ServletHook() {
    }

    /**
     * Runs the servlet's request through the filter, unless the filter already covers it (registered by the
     * application, or this is the servlet's own call from inside the filter) or the dispatch is not the request's
     * first (a forward, an include, an error page, an asynchronous dispatch).
     *
     * @return whether the request was handled; {@code false} lets {@code HttpServlet.service} run as it is
     */
    public static boolean service(Object servlet, Object request, Object response) throws Exception {
        if (!(request instanceof HttpServletRequest http) || !(response instanceof HttpServletResponse)
                || http.getDispatcherType() != DispatcherType.REQUEST || IdempotencyFilter.isApplied(http)) {
            return false;
        }
        // the servlet's service runs again from inside the filter, which marked the request: that call goes through
        filter().doFilter(http, (HttpServletResponse) response, (rq, rs) -> ((Servlet) servlet).service(rq, rs));
        return true;
    }

    private static IdempotencyFilter filter() {
        IdempotencyFilter f = filter;
        if (f == null) {
            synchronized (ServletHook.class) {
                f = filter;
                if (f == null) {
                    try {
                        filter = f = new IdempotencyFilter();
                    } catch (IdempotencyConfigurationException e) {
                        // no request may run half protected: each fails (500) until the setting is fixed
                        if (!badSettingsReported) {
                            badSettingsReported = true;
                            System.err.println("[idempotency-agent] ERROR the HTTP settings are wrong: "
                                    + e.getMessage() + "; every request to a servlet fails until they are fixed");
                        }
                        throw e;
                    }
                }
            }
        }
        return f;
    }
}

package dev.idempotency.servlet;

import dev.idempotency.IdempotencyKeyException;
import dev.idempotency.Idempotent;
import dev.idempotency.core.CurrentRequest;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The application under test, registered through {@code ServletContext} the same way on every server: a user filter,
 * the idempotency filter on {@code /api/*} (by class, as web.xml or {@code FilterRegistration} would), and servlets
 * that call woven {@code @Idempotent} methods. {@code /bare/*} is outside the filter.
 */
final class TestApp implements ServletContainerInitializer {

    /** Stands in for a container's authentication: the user named by this header, or anonymous without it. */
    static final String USER_HEADER = "X-Test-User";
    /** The name of the server thread that ran the servlet. */
    static final String THREAD_HEADER = "X-Served-By";
    /** Whether a request was bound to the thread when the servlet ran. */
    static final String BOUND_HEADER = "X-Request-Bound";

    /** The service whose calls the filter covers; this module's build weaves it with the library's aspect. */
    static final class Payments {
        static final AtomicInteger RUNS = new AtomicInteger();
        static volatile CountDownLatch entered = new CountDownLatch(0);
        static volatile CountDownLatch release = new CountDownLatch(0);

        @Idempotent(key = "#headers['Idempotency-Key']")
        public String pay(String amount) {
            return "paid " + amount + " as run #" + RUNS.incrementAndGet();
        }

        @Idempotent(key = "#principal + ':' + #headers['Idempotency-Key']")
        public String payAsCaller(String amount) {
            return "paid " + amount + " as run #" + RUNS.incrementAndGet();
        }

        /** A bug in the application: the expression names no parameter. */
        @Idempotent(key = "#orderId")
        public String payBroken(String amount) {
            return "paid " + amount + " as run #" + RUNS.incrementAndGet();
        }

        @Idempotent(key = "#headers['Idempotency-Key']")
        public String payHeld(String amount) throws InterruptedException {
            int run = RUNS.incrementAndGet();
            entered.countDown();
            if (!release.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never released the call");
            }
            return "paid " + amount + " as run #" + run;
        }
    }

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        FilterRegistration.Dynamic user = context.addFilter("test-user", new PrincipalFromHeader());
        user.setAsyncSupported(true);
        user.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");

        FilterRegistration.Dynamic idempotency = context.addFilter("idempotency", IdempotencyFilter.class);
        idempotency.setAsyncSupported(true);
        idempotency.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/api/*");

        ServletRegistration.Dynamic api = context.addServlet("api", new AppServlet());
        api.setAsyncSupported(true);
        api.addMapping("/api/pay", "/api/pay-as-caller", "/api/pay-held", "/api/commit-then-pay",
                "/api/write-then-pay", "/api/broken", "/api/wrapped",
                "/api/boom", "/api/async", "/bare/pay");
    }

    static final class AppServlet extends HttpServlet {
        private final Payments payments = new Payments();

        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response)
                throws IOException, ServletException {
            String amount = new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            response.setHeader(THREAD_HEADER, Thread.currentThread().getName());
            response.setHeader(BOUND_HEADER, Boolean.toString(CurrentRequest.current() != null));
            switch (request.getServletPath()) {
                case "/api/pay" -> answer(response, payments.pay(amount));
                case "/api/pay-as-caller" -> answer(response, payments.payAsCaller(amount));
                case "/api/pay-held" -> {
                    try {
                        answer(response, payments.payHeld(amount));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new ServletException(e);
                    }
                }
                case "/api/commit-then-pay" -> {
                    response.setContentType("text/plain");
                    response.getOutputStream().write("partial ".getBytes(StandardCharsets.US_ASCII));
                    response.flushBuffer();
                    answer(response, payments.pay(amount));
                }
                case "/api/write-then-pay" -> {
                    // headers and a body that is still in the buffer, written through the writer
                    response.setHeader("X-Trace", "t-1");
                    response.setContentType("text/plain;charset=UTF-8");
                    response.getWriter().write("partial ");
                    answer(response, payments.pay(amount));
                }
                case "/api/broken" -> answer(response, payments.payBroken(amount));
                case "/api/wrapped" -> {
                    // an application layer that wraps whatever it gets, twice
                    try {
                        answer(response, payments.pay(amount));
                    } catch (RuntimeException e) {
                        throw new ServletException("handler failed", new IllegalStateException("service failed", e));
                    }
                }
                case "/api/boom" -> throw new IllegalStateException("boom at db-7.internal:5432");
                case "/api/async" -> {
                    AsyncContext async = request.startAsync();
                    async.start(() -> {
                        HttpServletResponse asyncResponse = (HttpServletResponse) async.getResponse();
                        try {
                            answer(asyncResponse, payments.pay(amount));
                        } catch (IdempotencyKeyException e) {
                            refuse(asyncResponse, e);
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        } finally {
                            async.complete();
                        }
                    });
                }
                case "/bare/pay" -> {
                    try {
                        answer(response, payments.pay(amount));
                    } catch (IdempotencyKeyException e) {
                        refuse(response, e);
                    }
                }
                default -> response.sendError(404);
            }
        }

        private static void answer(HttpServletResponse response, String text) throws IOException {
            response.setContentType("text/plain");
            response.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        }

        private static void refuse(HttpServletResponse response, IdempotencyKeyException e) {
            try {
                response.setStatus(400);
                response.setContentType("text/plain;charset=UTF-8");
                response.getOutputStream().write(("refused: " + e.getMessage()).getBytes(StandardCharsets.UTF_8));
            } catch (IOException io) {
                throw new IllegalStateException(io);
            }
        }
    }

    /** Sets the request's user from a header, as an authentication filter before ours would. */
    static final class PrincipalFromHeader implements Filter {
        @Override
        public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
                throws IOException, ServletException {
            HttpServletRequest http = (HttpServletRequest) request;
            String user = http.getHeader(USER_HEADER);
            if (user == null) {
                chain.doFilter(request, response);
                return;
            }
            Principal principal = () -> user;
            chain.doFilter(new HttpServletRequestWrapper(http) {
                @Override
                public Principal getUserPrincipal() {
                    return principal;
                }

                @Override
                public String getRemoteUser() {
                    return user;
                }
            }, response);
        }
    }
}

package dev.idempotency.servlet;

import dev.idempotency.signature.KeyResolver;
import dev.idempotency.signature.SignatureVerifier;
import dev.idempotency.signature.VerificationKey;
import java.util.List;
import java.util.Map;
import dev.idempotency.core.IdempotencyConfig;
import dev.idempotency.core.IdempotencyRuntime;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One server JVM of {@link SharedStoreRouteModeTest}: a real server with the filter in route mode on a store shared
 * with the other JVM. {@code POST /api/held} counts its executions and holds until {@code POST /control/release};
 * {@code GET /control/runs} tells the count. It runs until its standard input closes.
 *
 * <p>Arguments: the container ({@code TOMCAT} or {@code JETTY}) and the store URI.
 */
public final class RouteServer {

    static final String LISTENING = "LISTENING ";
    static final String KEY_ID = "client-1";
    static final byte[] SECRET = "the shared secret of the servers".getBytes(StandardCharsets.US_ASCII);

    private RouteServer() {
    }

    public static void main(String[] args) throws Exception {
        Container container = Container.valueOf(args[0]);
        IdempotencyRuntime runtime = IdempotencyRuntime.create(IdempotencyConfig.builder().storeUri(args[1]).build());
        try (Container.Running server = container.start(new App(runtime), 24)) {
            System.out.println(LISTENING + server.base());
            System.out.flush();
            System.in.transferTo(java.io.OutputStream.nullOutputStream()); // until the test closes it
        } finally {
            runtime.close();
        }
    }

    static final class App implements ServletContainerInitializer {
        private final IdempotencyRuntime runtime;

        App(IdempotencyRuntime runtime) {
            this.runtime = runtime;
        }

        @Override
        public void onStartup(Set<Class<?>> classes, ServletContext context) {
            FilterRegistration.Dynamic filter = context.addFilter("idempotency",
                    IdempotencyFilter.builder().runtime(runtime).routes("POST /api/**").build());
            filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/api/*");
            // signed requests, their nonces claimed in the shared store
            SignatureVerifier verifier = SignatureVerifier.builder()
                    .keys(KeyResolver.of(Map.of(KEY_ID, List.of(VerificationKey.hmacSha256(SECRET)))))
                    .nonces(new StoreNonces(() -> runtime)).build();
            FilterRegistration.Dynamic signed = context.addFilter("idempotency-signed",
                    IdempotencyFilter.builder().runtime(runtime).signatures("POST /signed/**", verifier).build());
            signed.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/signed/*");
            context.addServlet("app", new Held()).addMapping("/api/*", "/control/*", "/signed/*");
        }
    }

    static final class Held extends HttpServlet {
        private final AtomicInteger runs = new AtomicInteger();
        private final AtomicInteger signedRuns = new AtomicInteger();
        private final CountDownLatch release = new CountDownLatch(1);

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response)
                throws IOException, ServletException {
            String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
            String text = switch (path) {
                case "/api/held" -> {
                    int run = runs.incrementAndGet();
                    String body = new String(request.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    try {
                        if (!release.await(30, TimeUnit.SECONDS)) {
                            throw new ServletException("never released");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new ServletException(e);
                    }
                    response.setStatus(201);
                    response.setHeader("Location", "/api/orders/" + ProcessHandle.current().pid() + "-" + run);
                    yield body + " run " + run + " in " + ProcessHandle.current().pid();
                }
                case "/signed/pay" -> {
                    signedRuns.incrementAndGet();
                    yield "paid";
                }
                case "/control/signed-runs" -> Integer.toString(signedRuns.get());
                case "/control/runs" -> Integer.toString(runs.get());
                case "/control/release" -> {
                    release.countDown();
                    yield "released";
                }
                default -> {
                    response.setStatus(404);
                    yield "unknown " + path;
                }
            };
            response.setContentType("text/plain");
            response.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}

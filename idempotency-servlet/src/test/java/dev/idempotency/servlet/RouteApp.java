package dev.idempotency.servlet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idempotency.core.IdempotencyRuntime;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An application without annotations whose routes the filter makes idempotent: {@code /api/*} with the defaults
 * (5xx gives the key up), {@code /keep/*} with {@code releaseOn5xx=false}, {@code /custom/*} with the key in
 * {@code X-Request-Key}. Every handler counts its executions.
 */
final class RouteApp implements ServletContainerInitializer {

    static final AtomicInteger RUNS = new AtomicInteger();
    static volatile CountDownLatch entered = new CountDownLatch(0);
    static volatile CountDownLatch release = new CountDownLatch(0);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final IdempotencyRuntime runtime;

    RouteApp(IdempotencyRuntime runtime) {
        this.runtime = runtime;
    }

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) {
        FilterRegistration.Dynamic user = context.addFilter("test-user", new TestApp.PrincipalFromHeader());
        user.setAsyncSupported(true);
        user.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");

        FilterRegistration.Dynamic api = context.addFilter("idempotency", IdempotencyFilter.builder().runtime(runtime)
                .routes("POST /api/**, PUT /api/orders/*").maxBodySize("1MB").build());
        api.setAsyncSupported(true);
        api.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/api/*");

        FilterRegistration.Dynamic keep = context.addFilter("idempotency-keep", IdempotencyFilter.builder()
                .runtime(runtime).routes("POST /keep/**").releaseOn5xx(false).build());
        keep.setAsyncSupported(true);
        keep.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/keep/*");

        FilterRegistration.Dynamic custom = context.addFilter("idempotency-custom", IdempotencyFilter.builder()
                .runtime(runtime).routes("POST /custom/**").header("X-Request-Key").build());
        custom.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/custom/*");

        ServletRegistration.Dynamic servlet = context.addServlet("app", new AppServlet());
        servlet.setAsyncSupported(true);
        servlet.addMapping("/api/*", "/keep/*", "/custom/*");
    }

    static final class AppServlet extends HttpServlet {

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response)
                throws IOException, ServletException {
            String what = request.getPathInfo() == null ? "" : request.getPathInfo();
            if (what.startsWith("/orders")) {
                orders(request, response);
                return;
            }
            int run = RUNS.incrementAndGet();
            switch (what) {
                case "/held" -> {
                    byte[] body = request.getInputStream().readAllBytes();
                    entered.countDown();
                    try {
                        if (!release.await(30, TimeUnit.SECONDS)) {
                            throw new ServletException("the test never released the request");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new ServletException(e);
                    }
                    response.setStatus(201);
                    response.setHeader("Location", "/api/orders/" + run);
                    response.getOutputStream().write(("held " + new String(body, StandardCharsets.UTF_8) + " #" + run)
                            .getBytes(StandardCharsets.UTF_8));
                }
                case "/fail" -> {
                    response.setStatus(503);
                    response.setContentType("text/plain");
                    response.getOutputStream().write(("down, run #" + run).getBytes(StandardCharsets.US_ASCII));
                }
                case "/throw" -> throw new IllegalStateException("the application failed, run #" + run);
                case "/invalid" -> {
                    response.setStatus(422);
                    response.setContentType("application/json");
                    response.getOutputStream().write(("{\"error\":\"invalid\",\"run\":" + run + "}")
                            .getBytes(StandardCharsets.US_ASCII));
                }
                case "/missing" -> response.sendError(404, "no such thing, run #" + run);
                case "/redirect" -> response.sendRedirect("/api/orders/" + run);
                case "/stream" -> {
                    response.setContentType("text/plain");
                    response.getOutputStream().write(("stream:" + new String(request.getInputStream()
                            .readAllBytes(), StandardCharsets.UTF_8) + " #" + run).getBytes(StandardCharsets.UTF_8));
                }
                case "/reader" -> {
                    response.setContentType("text/plain");
                    String text = request.getReader().lines().reduce("", String::concat);
                    response.getOutputStream().write(("reader:" + text + " #" + run)
                            .getBytes(StandardCharsets.UTF_8));
                }
                case "/form" -> {
                    response.setContentType("text/plain;charset=UTF-8");
                    response.getWriter().write("form:" + request.getParameter("amount") + ","
                            + request.getParameter("currency") + "," + String.join("+",
                            request.getParameterValues("tag")) + " #" + run);
                }
                case "/writer" -> {
                    response.setContentType("text/plain;charset=UTF-8");
                    PrintWriter writer = response.getWriter();
                    writer.write("Grüße, 東京, ");
                    writer.flush();
                    response.flushBuffer();
                    writer.write("€ #" + run);
                }
                case "/latin1" -> {
                    response.setContentType("text/plain;charset=ISO-8859-1");
                    response.getWriter().write("Grüße #" + run);
                }
                case "/whoami" -> {
                    response.setContentType("text/plain");
                    response.getOutputStream().write((request.getRemoteUser() + " #" + run)
                            .getBytes(StandardCharsets.UTF_8));
                }
                case "/big" -> {
                    response.setContentType("application/octet-stream");
                    byte[] block = new byte[64 * 1024];
                    java.util.Arrays.fill(block, (byte) ('0' + run % 10));
                    for (int i = 0; i < 32; i++) { // 2 MiB, over maxBodySize
                        response.getOutputStream().write(block);
                    }
                }
                case "/async" -> {
                    AsyncContext async = request.startAsync();
                    async.start(() -> {
                        try {
                            HttpServletResponse r = (HttpServletResponse) async.getResponse();
                            r.setContentType("text/plain");
                            r.getOutputStream().write(("async #" + run).getBytes(StandardCharsets.US_ASCII));
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        } finally {
                            async.complete();
                        }
                    });
                }
                default -> response.sendError(400, "unknown " + what);
            }
        }

        /** A resource: POST creates an order (201, Location, ETag), GET reads one; PUT replaces it. */
        private static void orders(HttpServletRequest request, HttpServletResponse response) throws IOException {
            int run = RUNS.incrementAndGet();
            if (request.getMethod().equals("GET")) {
                response.setContentType("application/json");
                response.getOutputStream().write(("{\"run\":" + run + "}").getBytes(StandardCharsets.US_ASCII));
                return;
            }
            JsonNode order = JSON.readTree(request.getInputStream());
            response.setStatus(request.getMethod().equals("POST") ? 201 : 200);
            response.setHeader("Location", "/api/orders/" + run);
            response.setHeader("ETag", "\"v" + run + "\"");
            response.setHeader("Cache-Control", "no-store");
            response.addHeader("X-App", "a");
            response.addHeader("X-App", "b");
            response.addHeader("Set-Cookie", "session=s" + run + "; HttpOnly");
            response.setContentType("application/json");
            response.getOutputStream().write(("{\"order\":" + run + ",\"amount\":" + order.path("amount").asText()
                    + "}").getBytes(StandardCharsets.US_ASCII));
        }
    }
}

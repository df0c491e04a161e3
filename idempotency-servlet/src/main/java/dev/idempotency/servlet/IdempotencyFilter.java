package dev.idempotency.servlet;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.IdempotencyException;
import dev.idempotency.core.CurrentRequest;
import dev.idempotency.core.Idempotency;
import dev.idempotency.core.IdempotencyRuntime;
import dev.idempotency.signature.SignatureVerifier;
import dev.idempotency.spi.Options;
import dev.idempotency.support.FieldNames;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * Makes {@code @Idempotent} methods answer over HTTP (Jakarta Servlet 6.0+).
 *
 * <ul>
 *   <li>Binds each request to its thread for the rest of the filter chain, so that key and fingerprint expressions
 *       read it: {@code #headers['Idempotency-Key']} from {@link HttpServletRequest#getHeaders},
 *       {@code #principal} from {@link HttpServletRequest#getUserPrincipal} ({@code null} when anonymous). A header
 *       value that an expression reads is refused as a bad key when it holds characters outside ASCII.</li>
 *   <li>Marks a response whose call was answered from the store with {@code Idempotent-Replayed: true}, unless the
 *       response is already committed.</li>
 *   <li>Answers the library's refusals that escape the chain, also when wrapped as the cause of another exception,
 *       with an RFC 9457 {@code application/problem+json} body: {@code IdempotencyKeyException} 400,
 *       {@code IdempotencyInProgressException} 409 with {@code Retry-After}, {@code IdempotencyKeyReuseException}
 *       422, {@code IdempotencyStoreException} 503 with {@code Retry-After}. The body's {@code type} is
 *       {@code about:blank}, its {@code title} the status's name, its {@code detail} a fixed text for clients (never
 *       the exception's message, which names keys and hosts), plus the {@code namespace}. Headers set before the
 *       failure (CORS, tracing) are kept; the buffered body is discarded. A response already committed cannot be
 *       rewritten: the exception is rethrown for the container, as is every other exception.</li>
 * </ul>
 *
 * <p>Register it after authentication (so {@code #principal} sees the user) and before the servlets whose calls it
 * covers. The application's own exception handling runs inside the chain, so it sees the exceptions first.
 *
 * <p>Asynchronous requests: the binding belongs to the thread that runs the chain and ends when the chain returns. A
 * call made on another thread (an executor, an {@code AsyncContext.start} task) reads no request: its key is null and
 * it is refused with an {@code IdempotencyKeyException} saying that no request is bound. Make the call on the
 * request's thread, or pass the key as an argument. A refusal escaping after the request went asynchronous is left
 * to the container's asynchronous error handling.
 *
 * <p><b>Route mode</b> makes whole requests idempotent, with no annotation: for the routes named in
 * {@code idempotency.http.routes} (e.g. {@code POST /api/payments/**, PUT /api/orders/*}), the first response to a
 * key ({@code Idempotency-Key}, scoped by route and by user) is recorded in the store, status, headers and body, and
 * every later request with that key and the same method, path, query and body gets it back byte for byte, marked
 * {@code Idempotent-Replayed: true}, without reaching the application. See the README's "Route mode" for the
 * statuses and what is and is not recorded. {@code new IdempotencyFilter()} reads the settings as every other setting
 * is read ({@link Idempotency#setting}); {@link #builder()} sets them in code.
 *
 * <p><b>Signature routes</b> ({@code idempotency.signature.routes}, or {@link Builder#signatures}) must carry a
 * signed request (RFC 9421, or the legacy scheme when enabled): the filter verifies it before the application and
 * route mode see it, its nonce claimed in the runtime's store, and answers a refusal with 401 (400 for an unreadable
 * header) and a problem document giving the reason and the server's time.
 *
 * <p>Registration, configured by the settings (also possible by class name in {@code web.xml}):
 *
 * <pre>{@code
 * public final class Startup implements ServletContainerInitializer {
 *     public void onStartup(Set<Class<?>> classes, ServletContext context) {
 *         FilterRegistration.Dynamic idempotency = context.addFilter("idempotency", IdempotencyFilter.class);
 *         idempotency.setAsyncSupported(true);
 *         // after the authentication filter, so that #principal sees the user
 *         idempotency.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/*");
 *     }
 * }
 * }</pre>
 *
 * <p>Or configured in code with the {@link Builder}:
 *
 * <pre>{@code
 * IdempotencyFilter filter = IdempotencyFilter.builder()
 *         .runtime(runtime)                                   // default: Idempotency.runtime()
 *         .routes("POST /api/payments/**, PUT /api/orders/*")  // route mode
 *         .maxBodySize("1MB")
 *         .signatures("POST /api/payments/**", SignatureVerifier.builder()
 *                 .keys(KeyResolver.fromProperties(settings))
 *                 .nonces(sharedNonces)
 *                 .build())
 *         .build();
 * context.addFilter("idempotency", filter)
 *         .addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), true, "/api/*");
 * }</pre>
 *
 * <p>A filter is thread-safe: the container calls it from all request threads at once. A request already covered by
 * another {@code IdempotencyFilter} (the application's and the agent's, or one mapped twice) is passed on untouched.
 */
public final class IdempotencyFilter implements Filter {

    /** The response header on every replayed answer. */
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";

    /**
     * {@code Retry-After} on 409: the holder's lease is renewed for as long as its call runs, so nothing tells when
     * it ends; most calls end within a second, and a retry that comes too early only gets another 409.
     */
    static final int IN_PROGRESS_RETRY_AFTER_SECONDS = 1;

    /** {@code Retry-After} on 503: long enough that clients do not pile onto a store that is recovering. */
    static final int UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

    /** The request attribute that marks a request this filter covers already. */
    private static final String APPLIED = IdempotencyFilter.class.getName() + ".applied";

    /** The header that carries the key in route mode, unless {@code idempotency.http.header} names another. */
    public static final String DEFAULT_HEADER = "Idempotency-Key";

    /** The largest request or response body route mode records, unless {@code idempotency.http.maxBodySize} says. */
    public static final int DEFAULT_MAX_BODY_SIZE = 1024 * 1024;

    static final String ROUTES = "idempotency.http.routes";
    static final String HEADER = "idempotency.http.header";
    static final String MAX_BODY_SIZE = "idempotency.http.maxBodySize";
    static final String RELEASE_ON_5XX = "idempotency.http.releaseOn5xx";
    static final String SIGNATURE_PREFIX = "idempotency.signature.";
    static final String SIGNATURE_ROUTES = SIGNATURE_PREFIX + "routes";

    private final RouteMode routeMode;
    /** The routes that require signed requests, and their verifier; null when none do. */
    private final SignatureGate signatures;

    /**
     * The filter as configured by the settings {@code idempotency.http.routes}, {@code .header},
     * {@code .maxBodySize} and {@code .releaseOn5xx} (agent arguments {@code http.routes=…}, system properties,
     * environment variables, {@code idempotency.properties}), on the process-wide runtime. Without routes it only
     * binds requests for {@code @Idempotent} methods: then it needs no configuration, also by class name in
     * {@code web.xml}.
     *
     * @throws IdempotencyConfigurationException when a setting is wrong: it names the setting, its value and where it
     *                                           came from, so the application does not start half protected
     */
    public IdempotencyFilter() {
        this(fromSettings());
    }

    private IdempotencyFilter(Builder b) {
        this.routeMode = new RouteMode(b.routes, b.header, b.maxBodySize, b.releaseOn5xx, b.runtime);
        IdempotencyRuntime runtime = b.runtime;
        SignatureVerifier verifier = b.verifier;
        if (verifier == null && !b.signatureRoutes.isEmpty()) {
            verifier = b.verifierFromSettings(() -> runtime != null ? runtime : Idempotency.runtime());
        }
        this.signatures = b.signatureRoutes.isEmpty() ? null : new SignatureGate(b.signatureRoutes, verifier);
    }

    private static Builder fromSettings() {
        Builder b = builder();
        List<Route> routes = Idempotency.setting(ROUTES, Route::parse);
        if (routes != null) {
            b.routes = routes;
        }
        String header = Idempotency.setting(HEADER, IdempotencyFilter::parseHeader);
        if (header != null) {
            b.header = header;
        }
        Integer max = Idempotency.setting(MAX_BODY_SIZE, IdempotencyFilter::parseMaxBodySize);
        if (max != null) {
            b.maxBodySize = max;
        }
        Boolean release = Idempotency.setting(RELEASE_ON_5XX, Options::bool);
        if (release != null) {
            b.releaseOn5xx = release;
        }
        List<Route> signed = Idempotency.setting(SIGNATURE_ROUTES, Route::parse);
        if (signed != null && !signed.isEmpty()) {
            b.signatureRoutes = signed;
            b.signatureSettings = Idempotency.settings(SIGNATURE_PREFIX);
        }
        return b;
    }

    /**
     * A filter configured in code (tests, frameworks); what is not set has its default, not the settings' value.
     *
     * @return a builder with the defaults: the process-wide runtime, no routes, header {@code Idempotency-Key},
     *         {@value #DEFAULT_MAX_BODY_SIZE} bytes, release on 5xx, no signature routes
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Route mode in code: {@code IdempotencyFilter.builder().runtime(rt).routes("POST /api/**").build()}. Each setter
     * checks its value at once and says what it got.
     */
    public static final class Builder {
        private IdempotencyRuntime runtime;
        private List<Route> routes = List.of();
        private String header = DEFAULT_HEADER;
        private int maxBodySize = DEFAULT_MAX_BODY_SIZE;
        private boolean releaseOn5xx = true;
        private List<Route> signatureRoutes = List.of();
        private SignatureVerifier verifier;
        private java.util.Map<String, String> signatureSettings = java.util.Map.of();

        private Builder() {
        }

        /**
         * Routes whose requests must carry a valid signature (RFC 9421, or the legacy scheme if the verifier accepts
         * it), checked by {@code verifier} before the application or route mode sees the request; e.g.
         * {@code signatures("POST /api/payments/**", SignatureVerifier.builder().keys(...).nonces(...).build())}.
         * From the settings: {@code idempotency.signature.routes} and the verifier from {@code idempotency.signature.*},
         * its nonces in the runtime's store. Replaces signature routes set before.
         *
         * @param routes comma-separated routes, each a method and an Ant-style path, e.g.
         *        {@code POST /api/payments/**, PUT /api/orders/*}
         * @param verifier the verifier for those routes; give it a {@link dev.idempotency.signature.NonceRegistry}
         *        shared by all instances when there are several
         * @return this builder
         * @throws IdempotencyConfigurationException if {@code routes} cannot be parsed
         * @throws NullPointerException if {@code verifier} is null
         */
        public Builder signatures(String routes, SignatureVerifier verifier) {
            this.signatureRoutes = configuration(() -> Route.parse("signature routes", routes));
            this.verifier = Objects.requireNonNull(verifier, "verifier");
            return this;
        }

        /**
         * Signature routes and their verifier from settings by full name ({@code idempotency.signature.routes},
         * {@code idempotency.signature.keys.<keyid>}, ...: see the README), the nonces claimed in the runtime's
         * store; for frameworks that hold settings of their own (Spring's {@code application.yml}). No routes: none.
         * The verifier is made, and its settings checked, by {@link #build()}. Replaces signature routes set before.
         *
         * @param settings settings by full name; copied
         * @return this builder
         * @throws IdempotencyConfigurationException if {@code idempotency.signature.routes} cannot be parsed
         */
        public Builder signatures(java.util.Map<String, String> settings) {
            String routes = settings.get(SIGNATURE_ROUTES);
            this.signatureRoutes = configuration(() -> Route.parse(SIGNATURE_ROUTES, routes));
            this.signatureSettings = java.util.Map.copyOf(settings);
            this.verifier = null;
            return this;
        }

        /** The verifier of the settings {@code idempotency.signature.*}, remembering nonces in the store. */
        private SignatureVerifier verifierFromSettings(java.util.function.Supplier<IdempotencyRuntime> runtime) {
            if (signatureSettings.keySet().stream().noneMatch(n -> n.startsWith(SIGNATURE_PREFIX + "keys."))) {
                throw new IdempotencyConfigurationException(SIGNATURE_ROUTES + " names routes, but no key is set:"
                        + " set " + SIGNATURE_PREFIX + "keys.<keyid>=hmac-sha256:<base64 secret> (or ed25519:<base64"
                        + " public key>)", null, null);
            }
            return configuration(() -> SignatureVerifier.builder().properties(signatureSettings)
                    .nonces(new StoreNonces(runtime)).build());
        }

        /**
         * The runtime whose store records responses (and, for signature routes from settings, claims nonces).
         *
         * @param runtime the runtime; default the process-wide one, {@link Idempotency#runtime()}
         * @return this builder
         * @throws NullPointerException if {@code runtime} is null
         */
        public Builder runtime(IdempotencyRuntime runtime) {
            this.runtime = Objects.requireNonNull(runtime, "runtime");
            return this;
        }

        /**
         * The routes route mode covers; requests on other routes only get the request binding.
         *
         * @param routes comma-separated routes, each a method and an Ant-style path, e.g.
         *        {@code POST /api/payments/**, PUT /api/orders/*}; default none
         * @return this builder
         * @throws IdempotencyConfigurationException if {@code routes} cannot be parsed
         */
        public Builder routes(String routes) {
            this.routes = configuration(() -> Route.parse("routes", routes));
            return this;
        }

        /**
         * The header that carries the key in route mode.
         *
         * @param name a header name (an HTTP token), surrounding blanks ignored; default {@value #DEFAULT_HEADER}
         * @return this builder
         * @throws IdempotencyConfigurationException if {@code name} is not a header name
         */
        public Builder header(String name) {
            this.header = configuration(() -> parseHeader("header", name));
            return this;
        }

        /**
         * The largest request body, and response body, recorded; also the largest body a signature route reads
         * (a larger one is refused).
         *
         * @param bytes size in bytes, from 1 to below 2 GiB; default 1 MiB
         * @return this builder
         * @throws IdempotencyConfigurationException if {@code bytes} is out of range
         */
        public Builder maxBodySize(int bytes) {
            this.maxBodySize = configuration(() -> parseMaxBodySize("maxBodySize", Integer.toString(bytes)));
            return this;
        }

        /**
         * {@link #maxBodySize(int)} as text.
         *
         * @param size a size such as {@code 512KB}, {@code 1MB} or {@code 1048576} (bytes)
         * @return this builder
         * @throws IdempotencyConfigurationException if {@code size} cannot be read or is out of range
         */
        public Builder maxBodySize(String size) {
            this.maxBodySize = configuration(() -> parseMaxBodySize("maxBodySize", size));
            return this;
        }

        /**
         * What route mode does with a 5xx answer.
         *
         * @param release {@code true} (the default) to give the key up, so a retry runs the request again;
         *        {@code false} to record and replay it like any other answer
         * @return this builder
         */
        public Builder releaseOn5xx(boolean release) {
            this.releaseOn5xx = release;
            return this;
        }

        /**
         * The filter with these settings.
         *
         * @return a new filter
         * @throws IdempotencyConfigurationException if signature routes come from settings and those settings name
         *         no key or hold a bad value
         */
        public IdempotencyFilter build() {
            return new IdempotencyFilter(this);
        }

        private static <T> T configuration(java.util.function.Supplier<T> parse) {
            try {
                return parse.get();
            } catch (IllegalArgumentException e) {
                throw new IdempotencyConfigurationException(e.getMessage(), null, null);
            }
        }
    }

    private static String parseHeader(String name, String value) {
        String v = value == null ? "" : value.trim();
        if (!FieldNames.isToken(v)) {
            throw new IllegalArgumentException(name + " must be a header name such as " + DEFAULT_HEADER
                    + ", but was " + (value == null ? "null" : "'" + value + "'"));
        }
        return v;
    }

    private static int parseMaxBodySize(String name, String value) {
        long bytes = Options.size(name, value);
        if (bytes < 1 || bytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(name + " must be at least 1 byte and below 2 GiB, but was '" + value
                    + "'");
        }
        return (int) bytes;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http) || !(response instanceof HttpServletResponse answer)) {
            chain.doFilter(request, response);
            return;
        }
        if (isApplied(http)) {
            // registered by the application and installed by the agent, or mapped twice: once is what it means
            chain.doFilter(request, response);
            return;
        }
        http.setAttribute(APPLIED, Boolean.TRUE);
        Route route = routeMode.route(http);
        Route signed = signatures == null ? null : signatures.route(http);
        try (CurrentRequest.Binding binding = CurrentRequest.bind(new HttpRequestView(http, answer))) {
            HttpServletRequest checked = http;
            if (signed != null) {
                byte[] body = RouteMode.body(http, routeMode.maxBodySize);
                if (body == null) {
                    RouteMode.tooLarge(signed, answer);
                    return;
                }
                if (!signatures.admits(http, body, answer)) {
                    return;
                }
                checked = new BufferedRequest(http, body);
            }
            if (route == null) {
                chain.doFilter(checked, response);
            } else {
                routeMode.handle(route, checked, answer, chain);
            }
        } catch (IOException | ServletException | RuntimeException failure) {
            if (!answered(http, answer, failure)) {
                throw failure;
            }
        }
    }

    /** Its route-mode settings, e.g. for a start-up log line. */
    @Override
    public String toString() {
        return "IdempotencyFilter[routes=" + routeMode.routes + ", header=" + routeMode.header + ", maxBodySize="
                + routeMode.maxBodySize + ", releaseOn5xx=" + routeMode.releaseOn5xx
                + (signatures == null ? "" : ", signed=" + signatures.routes + " by " + signatures.verifier) + "]";
    }

    /**
     * Whether an {@code IdempotencyFilter} covers this request already (one registered by the application, or the
     * one the agent runs): a second one passes it on untouched.
     *
     * @param request the request
     * @return {@code true} if a filter has taken the request already
     */
    public static boolean isApplied(HttpServletRequest request) {
        return request.getAttribute(APPLIED) != null;
    }

    /** Writes the refusal behind the failure, if there is one and the response can still take it. */
    private static boolean answered(HttpServletRequest request, HttpServletResponse response, Exception failure) {
        IdempotencyException cause = Refusal.find(failure);
        Refusal refusal = cause == null ? null : Refusal.of(cause);
        if (refusal == null || request.isAsyncStarted() || response.isCommitted()) {
            return false;
        }
        try {
            response.resetBuffer();
        } catch (IllegalStateException committedMeanwhile) {
            return false;
        }
        byte[] body = refusal.body(cause.getNamespace());
        response.setStatus(refusal.status);
        response.setContentType(Refusal.CONTENT_TYPE);
        response.setContentLength(body.length);
        if (refusal.retryAfterSeconds > 0) {
            response.setHeader("Retry-After", Integer.toString(refusal.retryAfterSeconds));
        }
        try {
            write(response, body);
        } catch (IOException | RuntimeException e) {
            // the client went away or the response broke: the container deals with the original failure
            failure.addSuppressed(e);
            return false;
        }
        return true;
    }

    private static void write(HttpServletResponse response, byte[] body) throws IOException {
        ServletOutputStream out;
        try {
            out = response.getOutputStream();
        } catch (IllegalStateException writerInUse) {
            // the application took the writer before it failed; the body is ASCII, so any charset carries it
            PrintWriter writer = response.getWriter();
            writer.write(new String(body, StandardCharsets.US_ASCII));
            writer.flush();
            return;
        }
        out.write(body);
        out.flush();
    }
}

package dev.idempotency.spring.boot.autoconfigure;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.servlet.IdempotencyFilter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The servlet filter in a servlet web application, after Spring Security's filter chain (so {@code #principal} sees
 * the authenticated user), and problem details for refusals thrown inside Spring MVC.
 */
@AutoConfiguration(after = IdempotencyAutoConfiguration.class)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(IdempotencyFilter.class)
@ConditionalOnProperty(prefix = "idempotency.http", name = "enabled", matchIfMissing = true)
public class IdempotencyWebAutoConfiguration {

    /** Spring Security's default filter order ({@code SecurityProperties.DEFAULT_FILTER_ORDER}). */
    static final int SECURITY_FILTER_ORDER = -100;

    /**
     * The filter's registration: on every URL ({@code /*}), ordered right after Spring Security's filter chain
     * ({@code spring.security.filter.order}, default -100), configured from {@code idempotency.http.*} and
     * {@code idempotency.signature.*}. An application bean named {@code idempotencyFilterRegistration} replaces it.
     *
     * @param properties  the {@code idempotency.*} settings
     * @param environment the environment, for Spring Security's filter order
     * @return the registration of the filter named {@code idempotencyFilter}
     * @throws InvalidIdempotencyPropertyException if a filter or signature setting is invalid
     */
    @Bean
    @ConditionalOnMissingBean(name = "idempotencyFilterRegistration")
    public FilterRegistrationBean<IdempotencyFilter> idempotencyFilterRegistration(IdempotencyProperties properties,
                                                                                   Environment environment) {
        FilterRegistrationBean<IdempotencyFilter> registration = new FilterRegistrationBean<>(filter(properties.getHttp(),
                properties.getSignature()));
        registration.setName("idempotencyFilter");
        registration.addUrlPatterns("/*");
        registration.setOrder(environment.getProperty("spring.security.filter.order", Integer.class,
                SECURITY_FILTER_ORDER) + 1);
        return registration;
    }

    /** The filter with the route-mode settings of {@code idempotency.http.*}, on the process-wide runtime. */
    static IdempotencyFilter filter(IdempotencyProperties.Http http, Map<String, String> signature) {
        IdempotencyFilter.Builder filter = IdempotencyFilter.builder().releaseOn5xx(http.isReleaseOn5xx());
        check("idempotency.http.header", http.getHeader(), "Set it to a header name such as Idempotency-Key.",
                () -> filter.header(http.getHeader()));
        check("idempotency.http.max-body-size", http.getMaxBodySize(), "Set it to a size such as 1MB.", () -> {
            long bytes = http.getMaxBodySize().toBytes();
            filter.maxBodySize(bytes > Integer.MAX_VALUE ? "2GB" : Long.toString(bytes));
        });
        if (!http.getRoutes().isEmpty()) {
            String routes = String.join(", ", http.getRoutes());
            check("idempotency.http.routes", routes, "List routes as METHOD /path, e.g. POST /api/payments/**.",
                    () -> filter.routes(routes));
        }
        if (!signature.isEmpty()) {
            Map<String, String> settings = new LinkedHashMap<>();
            signature.forEach((name, value) -> settings.put("idempotency.signature." + name, value));
            check("idempotency.signature", signature.keySet(), "Set idempotency.signature.routes and"
                    + " idempotency.signature.keys.<keyid>; see the README's Signed requests.",
                    () -> filter.signatures(settings));
        }
        IdempotencyFilter[] built = new IdempotencyFilter[1];
        // the verifier is made here: a bad key or window fails start-up
        check("idempotency.signature", signature.keySet(), "Set idempotency.signature.keys.<keyid> to"
                + " hmac-sha256:<base64 secret> or ed25519:<base64 public key>, and a window such as 2m.",
                () -> built[0] = filter.build());
        return built[0];
    }

    private static void check(String property, Object value, String action, Runnable apply) {
        try {
            apply.run();
        } catch (IdempotencyConfigurationException e) {
            throw new InvalidIdempotencyPropertyException(property, value, e.getMessage(), action, e);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "org.springframework.web.servlet.DispatcherServlet")
    static class ProblemDetailsConfiguration {

        @Bean
        @ConditionalOnMissingBean
        IdempotencyProblemDetails idempotencyProblemDetails() {
            return new IdempotencyProblemDetails();
        }
    }
}

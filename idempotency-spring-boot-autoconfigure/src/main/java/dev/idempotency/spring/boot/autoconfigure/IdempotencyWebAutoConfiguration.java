package dev.idempotency.spring.boot.autoconfigure;

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

    @Bean
    @ConditionalOnMissingBean(name = "idempotencyFilterRegistration")
    public FilterRegistrationBean<IdempotencyFilter> idempotencyFilterRegistration(IdempotencyProperties properties,
                                                                                   Environment environment) {
        FilterRegistrationBean<IdempotencyFilter> registration = new FilterRegistrationBean<>(new IdempotencyFilter());
        registration.setName("idempotencyFilter");
        registration.addUrlPatterns("/*");
        registration.setOrder(environment.getProperty("spring.security.filter.order", Integer.class,
                SECURITY_FILTER_ORDER) + 1);
        registration.setInitParameters(initParameters(properties.getHttp()));
        return registration;
    }

    /**
     * The route-mode settings, as the filter's init parameters ({@code routes}, {@code header},
     * {@code maxBodySize}, {@code releaseOn5xx}); only when routes are configured.
     */
    static Map<String, String> initParameters(IdempotencyProperties.Http http) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (!http.getRoutes().isEmpty()) {
            parameters.put("routes", String.join(", ", http.getRoutes()));
            parameters.put("header", http.getHeader());
            parameters.put("maxBodySize", Long.toString(http.getMaxBodySize().toBytes()));
            parameters.put("releaseOn5xx", Boolean.toString(http.isReleaseOn5xx()));
        }
        return parameters;
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

package dev.idempotency.spring.boot.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.IdempotencyInProgressException;
import dev.idempotency.IdempotencyKeyException;
import dev.idempotency.IdempotencyKeyReuseException;
import dev.idempotency.IdempotencyStoreException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.config.annotation.EnableWebMvc;

/**
 * Refusals thrown inside Spring MVC handlers: the starter's advice answers them as the filter would, and an advice of
 * the application comes first. (The example application checks the same over real HTTP.)
 */
class ProblemDetailsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RestController
    static class Refusing {
        @GetMapping("/refuse/{what}")
        String refuse(@PathVariable String what) {
            throw switch (what) {
                case "key" -> new IdempotencyKeyException("the key is null", "ns.pay", null);
                case "busy" -> new IdempotencyInProgressException("k-1 in progress", "ns.pay", "k-1");
                case "reuse" -> new IdempotencyKeyReuseException("k-1 reused", "ns.pay", "k-1");
                case "down" -> new IdempotencyStoreException("db-7.internal refused", "ns.pay", "k-1");
                default -> new IdempotencyConfigurationException("bad expression", "ns.pay", null);
            };
        }
    }

    @ControllerAdvice
    static class ApplicationsOwn {
        @ExceptionHandler(IdempotencyKeyReuseException.class)
        ResponseEntity<String> reuse(IdempotencyKeyReuseException e) {
            return ResponseEntity.status(418).body("the application's answer");
        }
    }

    @EnableWebMvc
    static class Mvc {
    }

    private final WebApplicationContextRunner runner = new WebApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(IdempotencyAutoConfiguration.class,
                    IdempotencyWebAutoConfiguration.class))
            .withUserConfiguration(Mvc.class, Refusing.class);

    @Test
    void refusalsBecomeTheFiltersProblemDetails() {
        runner.run(context -> {
            MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
            MockHttpServletResponse busy = mvc.perform(get("/refuse/busy")).andReturn().getResponse();
            assertThat(busy.getStatus()).isEqualTo(409);
            assertThat(busy.getHeader("Retry-After")).isEqualTo("1");
            assertThat(busy.getContentType()).isEqualTo("application/problem+json");
            JsonNode problem = JSON.readTree(busy.getContentAsString());
            assertThat(problem.path("title").asText()).isEqualTo("Conflict");
            assertThat(problem.path("status").asInt()).isEqualTo(409);
            assertThat(problem.path("namespace").asText()).isEqualTo("ns.pay");
            assertThat(problem.path("detail").asText()).contains("still being processed");

            MockHttpServletResponse key = mvc.perform(get("/refuse/key")).andReturn().getResponse();
            assertThat(key.getStatus()).isEqualTo(400);
            assertThat(key.getHeader("Retry-After")).isNull();
            assertThat(mvc.perform(get("/refuse/reuse")).andReturn().getResponse().getStatus()).isEqualTo(422);
            MockHttpServletResponse down = mvc.perform(get("/refuse/down")).andReturn().getResponse();
            assertThat(down.getStatus()).isEqualTo(503);
            assertThat(down.getHeader("Retry-After")).isEqualTo("5");
            assertThat(down.getContentAsString()).as("the message names hosts: never sent").doesNotContain("db-7");
            assertThatThrownBy(() -> mvc.perform(get("/refuse/config")))
                    .as("a configuration error is a bug, not a refusal: not answered")
                    .hasRootCauseInstanceOf(IdempotencyConfigurationException.class);
        });
    }

    @Test
    void theApplicationsOwnHandlerWins() {
        runner.withUserConfiguration(ApplicationsOwn.class).run(context -> {
            MockMvc mvc = MockMvcBuilders.webAppContextSetup(context).build();
            assertThat(mvc.perform(get("/refuse/reuse")).andReturn().getResponse().getStatus()).isEqualTo(418);
            assertThat(mvc.perform(get("/refuse/busy")).andReturn().getResponse().getStatus()).isEqualTo(409);
        });
    }

    @Test
    void theFilterIsRegisteredAfterSpringSecurityWithTheRouteSettings() {
        runner.withPropertyValues("idempotency.http.routes=POST /api/payments/**, PUT /api/orders/*",
                "idempotency.http.max-body-size=64KB", "spring.security.filter.order=-50").run(context -> {
                    FilterRegistrationBean<?> registration = context.getBean("idempotencyFilterRegistration",
                            FilterRegistrationBean.class);
                    assertThat(registration.getOrder()).isEqualTo(-49);
                    assertThat(registration.getFilter()).hasToString("IdempotencyFilter[routes=[POST"
                            + " /api/payments/**, PUT /api/orders/*], header=Idempotency-Key, maxBodySize=65536,"
                            + " releaseOn5xx=true]");
                });
    }

    @Test
    void signatureRoutesAndKeysFromApplicationPropertiesAndABadOneStopsStartUp() {
        String secret = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        runner.withPropertyValues("idempotency.signature.routes=POST /api/payments/**",
                "idempotency.signature.keys.client-1=hmac-sha256:" + secret, "idempotency.signature.window=1m")
                .run(context -> assertThat(context.getBean("idempotencyFilterRegistration",
                        FilterRegistrationBean.class).getFilter().toString())
                        .contains("signed=[POST /api/payments/**]").contains("window=PT1M").doesNotContain(secret));
        runner.withPropertyValues("idempotency.signature.routes=POST /api/payments/**")
                .run(context -> assertThat(context).hasFailed().getFailure()
                        .hasStackTraceContaining("idempotency.signature.keys.<keyid>"));
    }
}

package dev.idempotency.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idempotency.IdempotencyConfigurationException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The routes' syntax and matching, and the settings read by {@code new IdempotencyFilter()}. */
class RouteSettingsTest {

    @AfterEach
    void clean() {
        for (String name : List.of(IdempotencyFilter.ROUTES, IdempotencyFilter.HEADER, IdempotencyFilter.MAX_BODY_SIZE,
                IdempotencyFilter.RELEASE_ON_5XX)) {
            System.clearProperty(name);
        }
    }

    private static Route only(String routes) {
        List<Route> parsed = Route.parse("routes", routes);
        assertThat(parsed).hasSize(1);
        return parsed.get(0);
    }

    @Test
    void oneStarIsOneSegmentTwoStarsAreAnyNumber() {
        Route any = only("POST /api/payments/**");
        assertThat(any.namespace()).isEqualTo("http:POST /api/payments/**");
        assertThat(any.matches("POST", "/api/payments")).isTrue();
        assertThat(any.matches("POST", "/api/payments/")).isTrue();
        assertThat(any.matches("POST", "/api/payments/1/refunds")).isTrue();
        assertThat(any.matches("POST", "/api/paymentsX")).isFalse();
        assertThat(any.matches("PUT", "/api/payments/1")).isFalse();
        assertThat(any.matches("post", "/api/payments/1")).as("methods are case-sensitive").isFalse();

        Route one = only(" PUT   /api/orders/* ");
        assertThat(one.matches("PUT", "/api/orders/7")).isTrue();
        assertThat(one.matches("PUT", "/api/orders/7/lines")).isFalse();
        assertThat(one.matches("PUT", "/api/orders")).isFalse();

        Route middle = only("POST /api/**/confirm");
        assertThat(middle.matches("POST", "/api/confirm")).isTrue();
        assertThat(middle.matches("POST", "/api/a/b/confirm")).isTrue();
        assertThat(middle.matches("POST", "/api/a/b/cancel")).isFalse();

        Route glob = only("POST /api/*.json");
        assertThat(glob.matches("POST", "/api/order.json")).isTrue();
        assertThat(glob.matches("POST", "/api/order.xml")).isFalse();

        assertThat(Route.parse("routes", "POST /a/**, PUT /b/*,")).extracting(Route::toString)
                .containsExactly("POST /a/**", "PUT /b/*");
        assertThat(Route.parse("routes", " ")).isEmpty();
    }

    @Test
    void aBadRouteIsRefusedNamingTheSettingTheRouteAndWhy() {
        assertThatThrownBy(() -> Route.parse("idempotency.http.routes", "POST"))
                .hasMessage("idempotency.http.routes must be routes such as 'POST /api/payments/**, PUT"
                        + " /api/orders/*', but 'POST' is not a method and a path pattern (in 'POST')");
        assertThatThrownBy(() -> Route.parse("r", "POST api/x")).hasMessageContaining("does not start with /");
        assertThatThrownBy(() -> Route.parse("r", "POST /api/x**")).hasMessageContaining("whole segments only");
        assertThatThrownBy(() -> Route.parse("r", "POST /api/{id}")).hasMessageContaining("only * and **");
        assertThatThrownBy(() -> Route.parse("r", "PO$T /api")).hasMessageContaining("is not an HTTP method");
    }

    @Test
    void theFilterReadsItsSettingsAndABadOneNamesItsSourceAndValue() {
        System.setProperty(IdempotencyFilter.ROUTES, "POST /api/**");
        System.setProperty(IdempotencyFilter.MAX_BODY_SIZE, "512KB");
        new IdempotencyFilter(); // accepted

        System.setProperty(IdempotencyFilter.MAX_BODY_SIZE, "lots");
        assertThatThrownBy(IdempotencyFilter::new).isInstanceOf(IdempotencyConfigurationException.class)
                .hasMessage("from system property idempotency.http.maxBodySize: idempotency.http.maxBodySize must be"
                        + " a size such as 1048576, 512KB or 1MB, but was 'lots'");
        System.setProperty(IdempotencyFilter.MAX_BODY_SIZE, "0");
        assertThatThrownBy(IdempotencyFilter::new).hasMessageContaining("at least 1 byte");
        System.clearProperty(IdempotencyFilter.MAX_BODY_SIZE);

        System.setProperty(IdempotencyFilter.RELEASE_ON_5XX, "yes");
        assertThatThrownBy(IdempotencyFilter::new).hasMessage("from system property idempotency.http.releaseOn5xx:"
                + " idempotency.http.releaseOn5xx must be true or false, but was 'yes'");
        System.clearProperty(IdempotencyFilter.RELEASE_ON_5XX);

        System.setProperty(IdempotencyFilter.HEADER, "Idempotency Key");
        assertThatThrownBy(IdempotencyFilter::new).hasMessageContaining("idempotency.http.header must be a header name");
        System.clearProperty(IdempotencyFilter.HEADER);

        System.setProperty(IdempotencyFilter.ROUTES, "POST /api/**, GET");
        assertThatThrownBy(IdempotencyFilter::new).hasMessageStartingWith("from system property"
                + " idempotency.http.routes: idempotency.http.routes must be routes such as");

        assertThatThrownBy(() -> IdempotencyFilter.builder().routes("/api/**"))
                .isInstanceOf(IdempotencyConfigurationException.class).hasMessageContaining("'/api/**'");
        assertThatThrownBy(() -> IdempotencyFilter.builder().maxBodySize(0))
                .isInstanceOf(IdempotencyConfigurationException.class).hasMessageContaining("at least 1 byte");
    }
}

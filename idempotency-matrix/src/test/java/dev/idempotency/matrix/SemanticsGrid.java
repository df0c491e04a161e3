package dev.idempotency.matrix;

import dev.idempotency.spi.IdempotencyStore;
import dev.idempotency.testkit.SemanticsSuite;
import java.time.Clock;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract's semantics, once per store × clock ({@link StoreRow}), through the route this JVM is set up for
 * ({@link Route}): the build runs this one class three times, as compile-time weaving, load-time weaving and the
 * agent jar. {@code -Dmatrix.rows=memory,h2} narrows the rows while iterating.
 */
@ParameterizedClass(name = "{0}")
@MethodSource("rows")
class SemanticsGrid extends SemanticsSuite {

    @Parameter
    StoreRow row;

    static Stream<StoreRow> rows() {
        return StoreRow.selected();
    }

    @BeforeAll
    static void theRouteIsTheOneClaimed() throws Exception {
        Route.current().prove();
    }

    @BeforeParameterizedClassInvocation
    static void openRow(StoreRow row) throws Exception {
        row.open(Route.current());
    }

    @AfterParameterizedClassInvocation
    static void closeRow(StoreRow row) throws Exception {
        row.close();
    }

    @Override
    protected IdempotencyStore newStore(Clock clock) {
        return row.storeFor(clock);
    }

    @Override
    protected boolean storeUsesTestClock() {
        return row.usesTestClock();
    }
}

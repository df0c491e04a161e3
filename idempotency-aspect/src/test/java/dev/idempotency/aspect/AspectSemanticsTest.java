package dev.idempotency.aspect;

import dev.idempotency.testkit.SemanticsSuite;

/** The contract's semantics through compile-time weaving: the suite's fixtures are woven by this module's build. */
class AspectSemanticsTest extends SemanticsSuite {
}

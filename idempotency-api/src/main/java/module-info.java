/**
 * {@code @Idempotent}, its enums and the exceptions a caller catches. No dependencies: what an application's own
 * code compiles against.
 */
module dev.idempotency.api {
    exports dev.idempotency;
}

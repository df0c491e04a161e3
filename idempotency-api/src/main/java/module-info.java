/**
 * {@code @Idempotent}, its enums and the exceptions a caller catches. No dependencies: what an application's own
 * code compiles against. {@code dev.idempotency.support} holds what the library's own modules share; it is exported
 * to them only.
 */
@SuppressWarnings("module") // the modules below are compiled after this one
module dev.idempotency.api {
    exports dev.idempotency;
    exports dev.idempotency.support to dev.idempotency.core, dev.idempotency.servlet, dev.idempotency.client,
            dev.idempotency.signature;
}

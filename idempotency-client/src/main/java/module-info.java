/** {@link dev.idempotency.client.IdempotentHttpClient}: a client that retries safely, over {@code java.net.http}. */
module dev.idempotency.client {
    requires transitive dev.idempotency.api;
    requires transitive java.net.http;
    requires transitive dev.idempotency.signature;

    exports dev.idempotency.client;
}

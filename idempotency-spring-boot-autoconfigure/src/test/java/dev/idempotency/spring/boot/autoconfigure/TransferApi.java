package dev.idempotency.spring.boot.autoconfigure;

/** What {@link InterfaceTransfers} offers, for a JDK proxy. */
public interface TransferApi {
    String transfer(String id, long cents);

    int runs();
}

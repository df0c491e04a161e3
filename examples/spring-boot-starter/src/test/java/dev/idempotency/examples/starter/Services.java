package dev.idempotency.examples.starter;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/** Tests that need a server: skipped with what to start when it is down, failed when CI promises it (CI=true). */
final class Services {

    private Services() {
    }

    static void require(String what, String host, int port, String howToStart) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1_000);
            return;
        } catch (IOException e) {
            String message = what + " is not reachable on " + host + ":" + port + " (" + e.getMessage() + "); "
                    + howToStart;
            if ("true".equals(System.getenv("CI"))) {
                Assertions.fail(message + " (CI=true: the CI script starts it, so this is a failure)");
            }
            Assumptions.abort(message);
        }
    }
}

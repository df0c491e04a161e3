package dev.idempotency.examples;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback proxy that loses answers, the failure a retrying client exists for: it forwards each request to the
 * server byte for byte, reads the server's whole answer, and then, the first time it sees an {@code Idempotency-Key},
 * closes the client's connection without passing the answer on. The server has done the work; the client only knows
 * that it got no answer. Every later request, and every request without a key, is answered normally.
 *
 * <p>The bytes pass unchanged, {@code Host} included, so a request signed for the proxy's address verifies at the
 * server. The proxy keeps the request whose answer it lost, as an eavesdropper on the wire could.
 */
public final class LostResponseProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final InetSocketAddress upstream;
    private final ExecutorService connections;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Map<String, byte[]> lost = new ConcurrentHashMap<>();
    private final AtomicInteger forwarded = new AtomicInteger();

    private LostResponseProxy(ServerSocket listener, InetSocketAddress upstream) {
        this.listener = listener;
        this.upstream = upstream;
        AtomicInteger threads = new AtomicInteger();
        this.connections = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "proxy-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts on an ephemeral loopback port, forwarding to the server at {@code upstream}, {@code http://host:port}. */
    public static LostResponseProxy start(URI upstream) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        LostResponseProxy proxy = new LostResponseProxy(listener,
                new InetSocketAddress(upstream.getHost(), upstream.getPort()));
        proxy.connections.execute(proxy::accept);
        return proxy;
    }

    /** E.g. {@code http://127.0.0.1:54322}. */
    public URI baseUri() {
        return URI.create("http://" + listener.getInetAddress().getHostAddress() + ":" + listener.getLocalPort());
    }

    /** Answers lost so far: one per distinct {@code Idempotency-Key}. */
    public int lostAnswers() {
        return lost.size();
    }

    /** Requests passed to the server, whether or not their answers came back. */
    public int forwarded() {
        return forwarded.get();
    }

    /** The request, exactly as the client sent it, whose answer was lost for this key. */
    public Optional<byte[]> lostRequest(String idempotencyKey) {
        return Optional.ofNullable(lost.get(idempotencyKey)).map(byte[]::clone);
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException e) {
            // closing anyway
        }
        open.forEach(LostResponseProxy::closeQuietly);
        connections.shutdownNow();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                open.add(client);
                connections.execute(() -> serve(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** One client connection, kept alive for as many requests as the client sends on it. */
    private void serve(Socket client) {
        try (client) {
            InputStream in = new BufferedInputStream(client.getInputStream());
            OutputStream out = client.getOutputStream();
            RawHttp.Message request;
            while ((request = RawHttp.read(in)) != null) {
                RawHttp.Message answer = RawHttp.exchange(upstream, request.bytes());
                forwarded.incrementAndGet();
                String key = keyOf(request);
                if (key != null && lost.putIfAbsent(key, request.bytes()) == null) {
                    return; // the answer is dropped: the connection closes without it
                }
                out.write(answer.bytes());
                out.flush();
            }
        } catch (IOException e) {
            // the client or the server went away; the client sees its connection close
        } finally {
            open.remove(client);
        }
    }

    /** The key, unquoted if it was sent as a Structured Field String ({@code "k-1"} and {@code k-1} are one key). */
    private static String keyOf(RawHttp.Message request) {
        String value = request.header(ApiServer.IDEMPOTENCY_KEY);
        return value != null && value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}

package dev.idempotency.redis;

import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** What a Jedis failure means for the store's callers: unreachable or not, and in words. */
final class RedisFailures {

    private RedisFailures() {
    }

    /**
     * Whether the failure means Redis could not be reached (so {@code failOpen} may apply): a lost or refused
     * connection, a timeout, a server still loading its data or without a master. A failed TLS handshake is a
     * configuration error and an error reply (a wrong password too) is an answer: neither is "unreachable". A pool
     * that has no connection to give because none can be made fails with the connection's own error (unreachable);
     * one whose connections are all busy fails with a plain timeout of the pool (not unreachable: the server is up).
     */
    static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException || t instanceof java.security.cert.CertificateException) {
                return false;
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof JedisConnectionException || t instanceof JedisClusterOperationException) {
                return true; // the latter: no node of the cluster could serve the key in time
            }
            if (t instanceof JedisDataException d && d.getMessage() != null
                    && (d.getMessage().startsWith("LOADING") || d.getMessage().startsWith("MASTERDOWN"))) {
                return true;
            }
        }
        return false;
    }

    /** The failure in words, for the end of a message that already names the server and the key. */
    static String reason(RuntimeException e) {
        String message = String.valueOf(e.getMessage());
        if (e instanceof JedisConnectionException) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof javax.net.ssl.SSLException || t instanceof java.security.cert.CertificateException) {
                    return "the TLS handshake failed (" + rootMessage(e) + ")";
                }
            }
            return "the server is unreachable or did not answer in time (" + rootMessage(e) + ")";
        }
        if (e instanceof JedisDataException && message.startsWith("WRONGTYPE")) {
            return "the key holds a Redis value of another type (WRONGTYPE), not a record of this library;"
                    + " it is left as it is";
        }
        if (e instanceof JedisClusterOperationException) {
            return "the cluster could not serve the key (" + rootMessage(e) + ")";
        }
        return e.getClass().getSimpleName() + ": " + rootMessage(e);
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        String message = e.getMessage();
        for (int depth = 0; t.getCause() != null && depth < 10; depth++) {
            t = t.getCause();
            if (t.getMessage() != null) {
                message = t.getMessage();
            }
        }
        return t == e ? message : t.getClass().getSimpleName() + ": " + message;
    }
}

package dev.idempotency.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import redis.clients.jedis.BuilderFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * One of the store's scripts. Each touches one key ({@code KEYS[1]}) and takes every value as an argument, never
 * spliced into its text, so the text and its SHA-1 are constants: the store loads the scripts once when it connects
 * and calls them by SHA; a server that lost them (restart, failover, {@code SCRIPT FLUSH}) gets the text again through
 * {@code EVAL}, which also caches it there.
 */
final class LuaScript {

    /** Claim-or-read for servers before 7.0, which lack {@code SET ... NX GET}: the value found, or nil once claimed. */
    static final LuaScript CLAIM = new LuaScript("claim", """
            local current = redis.call('GET', KEYS[1])
            if current then
              return current
            end
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            return false
            """);

    /**
     * ARGV: the owner prefix, the completed header, the outcome tail, the ttl in ms. Replaces the caller's claim by
     * the completed record, keeping the claim's fingerprint field, in one SET with its expiry. 1 if done, else 0.
     */
    static final LuaScript COMPLETE = new LuaScript("complete", """
            local current = redis.call('GET', KEYS[1])
            if not current or string.sub(current, 1, #ARGV[1]) ~= ARGV[1] then
              return 0
            end
            redis.call('SET', KEYS[1], ARGV[2] .. string.sub(current, #ARGV[1] + 1) .. ARGV[3], 'PX', ARGV[4])
            return 1
            """);

    /** ARGV: the owner prefix. Deletes the caller's claim: 1 if done, else 0. */
    static final LuaScript RELEASE = new LuaScript("release", """
            local current = redis.call('GET', KEYS[1])
            if not current or string.sub(current, 1, #ARGV[1]) ~= ARGV[1] then
              return 0
            end
            return redis.call('DEL', KEYS[1])
            """);

    /** ARGV: the owner prefix, the lease in ms. Extends the caller's claim: 1 if done, else 0. */
    static final LuaScript RENEW = new LuaScript("renew", """
            local current = redis.call('GET', KEYS[1])
            if not current or string.sub(current, 1, #ARGV[1]) ~= ARGV[1] then
              return 0
            end
            return redis.call('PEXPIRE', KEYS[1], ARGV[2])
            """);

    /**
     * ARGV: a record as a claim or read returned it. Its remaining ttl in ms while the key still holds exactly that
     * record, else -3 (changed); -1 or -2 as {@code PTTL} says (no expiry, no key) cannot happen then, but pass through.
     */
    static final LuaScript REMAINING_TTL = new LuaScript("remaining ttl", """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then
              return -3
            end
            return redis.call('PTTL', KEYS[1])
            """);

    static final List<LuaScript> ALL = List.of(CLAIM, COMPLETE, RELEASE, RENEW, REMAINING_TTL);

    final String name;
    final String source;
    final byte[] sourceBytes;
    final String sha;
    final byte[] shaBytes;

    private LuaScript(String name, String source) {
        this.name = name;
        this.source = source;
        this.sourceBytes = source.getBytes(StandardCharsets.UTF_8);
        this.sha = sha1Hex(sourceBytes);
        this.shaBytes = sha.getBytes(StandardCharsets.US_ASCII);
    }

    /** Runs the script on the key by SHA; by text if the server does not have it. */
    Object run(UnifiedJedis client, byte[] key, List<byte[]> args) {
        List<byte[]> keys = List.of(key);
        try {
            return client.evalsha(shaBytes, keys, args);
        } catch (JedisNoScriptException e) {
            return client.eval(sourceBytes, keys, args);
        }
    }

    /** Loads every script on the server, or on each node of a cluster that answers. */
    static void loadAll(UnifiedJedis client) {
        if (client instanceof RedisClusterClient cluster) {
            for (ConnectionPool pool : cluster.getClusterNodes().values()) {
                try (Connection c = pool.getResource()) {
                    for (LuaScript script : ALL) {
                        script.checkSha(c.executeCommand(new CommandObject<>(new CommandArguments(Protocol.Command.SCRIPT)
                                .add(Protocol.Keyword.LOAD).add(script.sourceBytes), BuilderFactory.STRING)));
                    }
                } catch (JedisConnectionException e) {
                    // a node that is down now gets the scripts by EVAL when it serves again
                }
            }
        } else {
            for (LuaScript script : ALL) {
                script.checkSha(client.scriptLoad(script.source));
            }
        }
    }

    private void checkSha(String shaFromServer) {
        if (!sha.equalsIgnoreCase(shaFromServer)) {
            throw new IllegalStateException("the server gave the " + this + " the SHA " + shaFromServer);
        }
    }

    private static String sha1Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from this JVM", e);
        }
    }

    @Override
    public String toString() {
        return name + " script " + sha;
    }
}

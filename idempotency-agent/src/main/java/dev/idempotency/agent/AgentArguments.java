package dev.idempotency.agent;

import dev.idempotency.IdempotencyConfigurationException;
import dev.idempotency.spi.Options;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The agent's arguments: {@code -javaagent:idempotency-agent.jar=store=redis://127.0.0.1:6379,ttl=PT10M}.
 * Pairs are separated by commas; a comma that is not followed by a {@code name=} belongs to the value before it, so
 * that {@code store=redis-cluster://10.0.0.1:7000,10.0.0.2:7000,ttl=PT10M} reads as two arguments.
 *
 * @param settings {@code store}, {@code ttl}, {@code lease}, {@code failOpen}, {@code maxResultSize},
 *                 {@code nearCache.maxEntries}, {@code nearCache.maxAge}, and the servlet
 *                 filter's route mode {@code http.routes}, {@code http.header}, {@code http.maxBodySize},
 *                 {@code http.releaseOn5xx} (read by the filter when it starts), and the signed-request settings
 *                 {@code signature.*} (routes, window, keys.&lt;keyid&gt;, ...), as given
 * @param debug    whether {@code debug=true} was given
 */
record AgentArguments(Map<String, String> settings, boolean debug) {

    static final Set<String> SETTINGS = Set.of("store", "ttl", "lease", "failOpen", "maxResultSize",
            "nearCache.maxEntries", "nearCache.maxAge", "http.routes", "http.header", "http.maxBodySize",
            "http.releaseOn5xx");
    private static final String DEBUG = "debug";
    private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*");

    static AgentArguments parse(String arguments) {
        if (arguments == null || arguments.isBlank()) {
            return new AgentArguments(Map.of(), false);
        }
        Map<String, String> values = new LinkedHashMap<>();
        String name = null;
        StringBuilder value = null;
        for (String part : arguments.split(",", -1)) {
            int eq = part.indexOf('=');
            String candidate = eq > 0 ? part.substring(0, eq).trim() : null;
            boolean known = candidate != null && (SETTINGS.contains(candidate) || candidate.equals(DEBUG)
                    || candidate.startsWith("signature.") && candidate.length() > "signature.".length());
            if (candidate != null && !known && "store".equals(name)) {
                // inside the store URI, ",x=" may be part of a password: keep it in the value, never echo it
                value.append(',').append(part);
            } else if (candidate != null && NAME.matcher(candidate).matches()) {
                if (!known) {
                    throw bad("unknown agent argument '" + candidate + "' in '" + Options.redact(arguments)
                            + "' (known: store, ttl, lease, failOpen, maxResultSize, nearCache.maxEntries,"
                            + " nearCache.maxAge, http.routes, http.header, http.maxBodySize, http.releaseOn5xx,"
                            + " signature.*, debug)");
                }
                if (values.containsKey(candidate) || candidate.equals(name)) {
                    throw bad("agent argument " + candidate + "= is given twice in '" + Options.redact(arguments) + "'");
                }
                if (name != null) {
                    values.put(name, value.toString().trim());
                }
                name = candidate;
                value = new StringBuilder(part.substring(eq + 1));
            } else if (name != null) {
                value.append(',').append(part);
            } else {
                throw bad("agent arguments are name=value pairs separated by commas, e.g."
                        + " store=redis://127.0.0.1:6379,ttl=PT10M; got '" + Options.redact(arguments) + "'");
            }
        }
        values.put(name, value.toString().trim());

        boolean debug = false;
        String debugValue = values.remove(DEBUG);
        if (debugValue != null) {
            try {
                debug = Options.bool("agent argument debug=", debugValue);
            } catch (IllegalArgumentException e) {
                throw bad(e.getMessage());
            }
        }
        return new AgentArguments(Map.copyOf(values), debug);
    }

    private static IdempotencyConfigurationException bad(String message) {
        return new IdempotencyConfigurationException(message, null, null);
    }
}

package dev.idempotency.servlet;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One route of route mode: a method and an Ant-like path pattern, {@code POST /api/payments/**}. A segment {@code *}
 * is one path segment, {@code **} any number of them (none too); a {@code *} inside a segment is any text within it
 * ({@code /api/*.json}). Patterns are matched against the path within the application (servlet path plus path info:
 * decoded and normalised by the container, without the context path or the query).
 *
 * @param method    the HTTP method, compared exactly (methods are case-sensitive)
 * @param pattern   the pattern as written
 * @param namespace where the route's keys live in the store
 */
record Route(String method, String pattern, String namespace, String[] segments) {

    /** A method is an RFC 9110 token; these are the letters methods are written in. */
    private static final Pattern METHOD = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");

    static final String EXAMPLE = "POST /api/payments/**, PUT /api/orders/*";

    /**
     * The routes of a setting, in order (the first that matches a request wins); an empty or blank text is no route.
     *
     * @throws IllegalArgumentException naming the setting, the route and what is wrong with it
     */
    static List<Route> parse(String name, String text) {
        List<Route> routes = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return routes;
        }
        for (String part : text.split(",")) {
            String route = part.trim();
            if (route.isEmpty()) {
                continue;
            }
            String[] words = route.split("\\s+");
            if (words.length != 2) {
                throw bad(name, text, "'" + route + "' is not a method and a path pattern");
            }
            if (!METHOD.matcher(words[0]).matches()) {
                throw bad(name, text, "'" + words[0] + "' in '" + route + "' is not an HTTP method");
            }
            String pattern = words[1];
            if (!pattern.startsWith("/")) {
                throw bad(name, text, "the path pattern '" + pattern + "' does not start with /");
            }
            String[] segments = pattern.substring(1).split("/", -1);
            for (String segment : segments) {
                if (segment.contains("**") && !segment.equals("**")) {
                    throw bad(name, text, "'" + segment + "' in '" + pattern + "': ** stands for whole segments only,"
                            + " as in /api/**");
                }
                if (segment.contains("?") || segment.contains("{")) {
                    throw bad(name, text, "'" + segment + "' in '" + pattern + "': only * and ** are wildcards");
                }
            }
            routes.add(new Route(words[0], pattern, "http:" + words[0] + " " + pattern, segments));
        }
        return routes;
    }

    private static IllegalArgumentException bad(String name, String text, String why) {
        return new IllegalArgumentException(name + " must be routes such as '" + EXAMPLE + "', but " + why
                + " (in '" + text + "')");
    }

    /** Whether this route covers the request. */
    boolean matches(String requestMethod, String path) {
        if (!method.equals(requestMethod) || path.isEmpty() || path.charAt(0) != '/') {
            return false;
        }
        return match(segments, 0, path.substring(1).split("/", -1), 0);
    }

    private static boolean match(String[] pattern, int p, String[] path, int s) {
        while (p < pattern.length) {
            String segment = pattern[p];
            if (segment.equals("**")) {
                if (p == pattern.length - 1) {
                    return true;
                }
                for (int skip = s; skip <= path.length; skip++) {
                    if (match(pattern, p + 1, path, skip)) {
                        return true;
                    }
                }
                return false;
            }
            if (s == path.length || !glob(segment, path[s])) {
                return false;
            }
            p++;
            s++;
        }
        return s == path.length;
    }

    /** {@code *} is any text, possibly none; everything else is itself. */
    private static boolean glob(String pattern, String text) {
        int star = pattern.indexOf('*');
        if (star < 0) {
            return pattern.equals(text);
        }
        if (!text.startsWith(pattern.substring(0, star))) {
            return false;
        }
        String rest = pattern.substring(star + 1);
        for (int i = star; i <= text.length(); i++) {
            if (glob(rest, text.substring(i))) {
                return true;
            }
        }
        return false;
    }

    /** The first of the routes that covers the request (its method, its path within the application), or null. */
    static Route match(java.util.List<Route> routes, jakarta.servlet.http.HttpServletRequest request) {
        if (routes.isEmpty()) {
            return null;
        }
        String method = request.getMethod();
        String path = null;
        for (Route route : routes) {
            if (route.method().equals(method)) {
                if (path == null) {
                    String info = request.getPathInfo();
                    path = info == null ? request.getServletPath() : request.getServletPath() + info;
                }
                if (route.matches(method, path)) {
                    return route;
                }
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return method + " " + pattern;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Route r && r.namespace.equals(namespace);
    }

    @Override
    public int hashCode() {
        return namespace.hashCode();
    }
}

package io.sipmap.adapter.http.server;

import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * The path templates of a router's routes ({@code /v1/IpRecords/:sid}), and which one a request's path falls under:
 * what a metric may name, where the path itself (a SID in it) must not be. Read from the router once, when first
 * asked, so that it holds every route mounted by then. Matching allocates nothing: it runs on every request.
 */
final class RouteTemplates {

    private final Router router;
    private volatile List<String> templates;

    RouteTemplates(Router router) {
        this.router = router;
    }

    /** The template {@code path} matches, a {@code :name} segment matching any one segment; empty when none does. */
    String of(String path) {
        List<String> known = templates;
        if (known == null) {
            known = router.getRoutes().stream().filter(route -> route.getPath() != null)
                    .map(route -> route.isExactPath() || route.isRegexPath() ? route.getPath() : route.getPath() + "*")
                    .distinct().toList();
            templates = known;
        }
        if (path != null) {
            for (String template : known) {
                if (matches(template, path)) {
                    return template;
                }
            }
        }
        return "";
    }

    /**
     * Whether {@code path} has the segments of {@code template}, its {@code :name} segments standing for any one; a
     * template ending in {@code *} (a route over a prefix) matches every path under its prefix.
     */
    static boolean matches(String template, String path) {
        if (template.endsWith("*")) {
            return path.startsWith(template.substring(0, template.length() - 1));
        }
        int t = 0;
        int p = 0;
        while (t < template.length() && p < path.length()) {
            if (template.charAt(t) == ':') {
                t = next(template, t);
                p = next(path, p);
            } else if (template.charAt(t++) != path.charAt(p++)) {
                return false;
            }
        }
        return t == template.length() && p == path.length();
    }

    /** The index of the '/' that ends the segment at {@code from}, or the length when it is the last. */
    private static int next(String text, int from) {
        int slash = text.indexOf('/', from);
        return slash < 0 ? text.length() : slash;
    }
}

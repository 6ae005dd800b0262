package io.sipmap.adapter.http.server;

import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Objects;

/**
 * The path templates of a router's routes ({@code /v1/IpRecords/:sid}), and which one a request's path falls under:
 * what a metric may name, where the path itself (a SID in it) must not be. Read from the router once, when first
 * asked, so that it holds every route mounted by then.
 */
final class RouteTemplates {

    private final Router router;
    private volatile List<String[]> templates;

    RouteTemplates(Router router) {
        this.router = router;
    }

    /** The template {@code path} matches, a {@code :name} segment matching any one segment; empty when none does. */
    String of(String path) {
        List<String[]> known = templates;
        if (known == null) {
            known = router.getRoutes().stream().map(Route::getPath).filter(Objects::nonNull).distinct()
                    .map(t -> t.split("/", -1)).toList();
            templates = known;
        }
        String[] segments = path == null ? new String[0] : path.split("/", -1);
        for (String[] template : known) {
            if (matches(template, segments)) {
                return String.join("/", template);
            }
        }
        return "";
    }

    private static boolean matches(String[] template, String[] segments) {
        if (template.length != segments.length) {
            return false;
        }
        for (int i = 0; i < template.length; i++) {
            if (!template[i].startsWith(":") && !template[i].equals(segments[i])) {
                return false;
            }
        }
        return true;
    }
}

package io.sipmap.adapter.http.server;

import io.sipmap.domain.Cursor;
import io.sipmap.domain.Page;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Function;

/**
 * A page as Twilio writes it: the items under their list key and a {@code meta} object with every key present
 * (absent neighbours are null, since Twilio's SDK dereferences each key) and no top-level {@code uri}.
 */
final class PageJson {

    private PageJson() {
    }

    /**
     * @param listUrl the absolute URL of the list, without query
     * @param key     {@code ip_records} or {@code source_ip_mappings}
     */
    static <T> JsonObject toJson(Page<T> page, PageQuery query, String listUrl, String key,
                                 Function<T, JsonObject> item) {
        JsonArray items = new JsonArray();
        page.items().forEach(t -> items.add(item.apply(t)));
        long p = query.page();
        JsonObject meta = new JsonObject()
                .put("page", p)
                .put("page_size", query.size())
                .put("key", key)
                .put("url", url(listUrl, query.size(), p, query.token().map(Cursor::token).orElse(null)))
                .put("first_page_url", url(listUrl, query.size(), 0, null))
                .put("previous_page_url", page.previous()
                        .map(c -> url(listUrl, query.size(), Math.max(p - 1, 0), c.token())).orElse(null))
                .put("next_page_url", page.next()
                        .map(c -> url(listUrl, query.size(), p == Long.MAX_VALUE ? p : p + 1, c.token()))
                        .orElse(null));
        return new JsonObject().put(key, items).put("meta", meta);
    }

    private static String url(String listUrl, int size, long page, String token) {
        return listUrl + "?PageSize=" + size + "&Page=" + page + (token == null ? "" : "&PageToken=" + token);
    }
}

package io.sipmap.adapter.http.server;

import io.sipmap.domain.Cursor;
import io.sipmap.domain.Page;

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
     * @param item    writes one item
     * @return the writer, on this thread's scratch, with the page written: for {@link Answers#json}
     */
    static <T> JsonWriter toJson(Page<T> page, PageQuery query, String listUrl, String key, ResourceWriter<T> item) {
        JsonWriter json = JsonWriter.onScratch(page.items().size() * item.length() + 4 * listUrl.length() + 400);
        json.beginObject().name(key).beginArray();
        for (T t : page.items()) {
            item.write(json, t);
        }
        json.endArray();
        long p = query.page();
        json.name("meta").beginObject()
                .name("page").value(p)
                .name("page_size").value(query.size())
                .name("key").value(key)
                .name("url").value(url(listUrl, query.size(), p, query.token().map(Cursor::token).orElse(null)))
                .name("first_page_url").value(url(listUrl, query.size(), 0, null))
                .name("previous_page_url").value(page.previous()
                        .map(c -> url(listUrl, query.size(), Math.max(p - 1, 0), c.token())).orElse(null))
                .name("next_page_url").value(page.next()
                        .map(c -> url(listUrl, query.size(), p == Long.MAX_VALUE ? p : p + 1, c.token()))
                        .orElse(null))
                .endObject();
        return json.endObject();
    }

    private static String url(String listUrl, int size, long page, String token) {
        return listUrl + "?PageSize=" + size + "&Page=" + page + (token == null ? "" : "&PageToken=" + token);
    }
}

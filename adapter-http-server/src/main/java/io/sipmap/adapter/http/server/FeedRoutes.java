package io.sipmap.adapter.http.server;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.AddressSnapshot;
import io.sipmap.domain.ChangeBatch;
import io.sipmap.domain.ChangeId;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipmapException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The sipmap extensions that keep a SIP edge current: the change feed {@code GET /sipmap/v1/Changes} (server-sent
 * events, see {@link ChangeStream}) and the exports of the account's resolution table, {@code GET
 * /sipmap/v1/Exports/Addresses} (JSON, with the number of the last change it reflects, to follow the feed from) and
 * {@code GET /sipmap/v1/Exports/Kamailio?Group=n} (a Kamailio {@code permissions} address file). Both exports are
 * in first-match order ({@link AddressSnapshot#FIRST_MATCH}), so that a proxy taking the first entry containing an
 * address agrees with {@code /sipmap/v1/Resolve}; both carry a strong {@code ETag} and answer 304 to a matching
 * {@code If-None-Match}. Credentials and errors are those of every other route: an error is answered before a stream
 * starts. A stream ends when the credentials that opened it stop authenticating.
 */
final class FeedRoutes {

    static final String CHANGES = "/sipmap/v1/Changes";
    static final String ADDRESSES = "/sipmap/v1/Exports/Addresses";
    static final String KAMAILIO = "/sipmap/v1/Exports/Kamailio";
    static final String LAST_EVENT_ID_HEADER = "Sipmap-Last-Event-Id";
    private static final String TEXT = "text/plain; charset=utf-8";
    /** How many exports' tags are kept to answer 304 without building a body. */
    static final int KEPT_TAGS = 1024;

    private final ChangeStreams streams;
    private final Credentials credentials;
    private final Optional<String> publicBaseUrl;
    private final SipmapServerOptions.Feed options;
    private final Tags tags = new Tags();

    FeedRoutes(ChangeStreams streams, Credentials credentials, Optional<String> publicBaseUrl,
               SipmapServerOptions.Feed options) {
        this.streams = streams;
        this.credentials = credentials;
        this.publicBaseUrl = publicBaseUrl;
        this.options = options;
    }

    void mount(Router router) {
        router.get(CHANGES).handler(this::changes);
        router.get(ADDRESSES).handler(this::addresses);
        router.get(KAMAILIO).handler(this::kamailio);
    }

    private void changes(RoutingContext ctx) {
        Map<String, String> query = Exchanges.query(ctx);
        String header = ctx.request().getHeader("Last-Event-ID");
        ChangeId from = header != null ? ChangeId.parse("Last-Event-ID", header)
                : query.containsKey("LastEventId") ? ChangeId.parse("LastEventId", query.get("LastEventId"))
                : null; // neither: from the head on
        AccountSid account = Exchanges.account(ctx);
        ChangeStream stream = new ChangeStream(Exchanges.principal(ctx), credentials, streams, ctx.vertx(),
                ctx.response(), ctx.request().connection(),
                ChangeEvents.Writers.of(Exchanges.baseUrl(ctx, publicBaseUrl)), options);
        stream.watchClose();
        CompletionStage<ChangeId> start = streams.join(stream)
                .thenCompose(running -> from != null ? CompletableFuture.completedStage(from) : head(account));
        start.whenComplete((first, failure) -> {
            if (failure != null) {
                streams.leave(stream);
            }
        });
        Exchanges.onResult(ctx, start, stream::start);
    }

    private void addresses(RoutingContext ctx) {
        export(ctx, "json", Answers.JSON, FeedRoutes::json);
    }

    private void kamailio(RoutingContext ctx) {
        String given = Exchanges.query(ctx).get("Group");
        int group = given == null ? 1 : group(given);
        export(ctx, "kamailio " + group, TEXT, snapshot -> kamailio(snapshot, group));
    }

    /**
     * Answers an export: a 304 from a read of the head alone when the request names the tag last answered at that
     * head; else the body, built on a worker, never the event loop (100,000 entries take seconds), and written back on
     * the request's own context.
     */
    private void export(RoutingContext ctx, String kind, String contentType,
                        Function<AddressSnapshot, byte[]> render) {
        AccountSid account = Exchanges.account(ctx);
        String ifNoneMatch = ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH);
        Tag known = ifNoneMatch == null ? null : tags.get(account, kind);
        if (known == null || !Answers.matches(ifNoneMatch, known.etag())) {
            build(ctx, account, kind, contentType, render);
            return;
        }
        Exchanges.onResult(ctx, head(account), head -> {
            if (head.equals(known.head())) {
                Answers.notModified(ctx, known.etag(), head);
            } else {
                build(ctx, account, kind, contentType, render);
            }
        });
    }

    private void build(RoutingContext ctx, AccountSid account, String kind, String contentType,
                       Function<AddressSnapshot, byte[]> render) {
        Context context = ctx.vertx().getOrCreateContext();
        Future<Built> built = context.executeBlocking(() -> streams.feed().snapshot(account), false)
                .compose(stage -> Future.fromCompletionStage(stage, context))
                .compose(snapshot -> context.executeBlocking(() -> {
                    byte[] body = render.apply(snapshot);
                    return new Built(new Tag(snapshot.head(), etag(body)), body);
                }, false));
        Exchanges.onResult(ctx, built.toCompletionStage(), export -> {
            tags.put(account, kind, export.tag());
            Answers.tagged(ctx, contentType, export.body(), export.tag().etag(), export.tag().head());
        });
    }

    /**
     * The JSON export: the snapshot's head and its entries, in first-match order; an entry names the network
     * ({@code ip_address}, host bits cleared, what matches) and the record's own address ({@code ip_record_address},
     * as {@code GET /v1/IpRecords/{sid}} and {@code /sipmap/v1/Resolve} name it).
     */
    static byte[] json(AddressSnapshot snapshot) {
        JsonWriter json = new JsonWriter(64 + 240 * snapshot.entries().size());
        json.beginObject().name("last_event_id").value(snapshot.head().toString()).name("entries").beginArray();
        for (Resolution r : snapshot.entries()) {
            json.beginObject()
                    .name("ip_address").value(r.prefix().network().toString())
                    .name("cidr_prefix_length").value(r.prefix().length())
                    .name("ip_record_sid").value(r.ipRecordSid())
                    .name("ip_record_address").value(r.prefix().address().toString())
                    .name("source_ip_mapping_sid").value(r.mappingSid())
                    .name("sip_domain_sid").value(r.sipDomainSid())
                    .endObject();
        }
        json.endArray().endObject();
        return json.finish((bytes, length, lent) -> Arrays.copyOf(bytes, length));
    }

    /** The Kamailio address file: one line per winning entry, in first-match order. */
    static byte[] kamailio(AddressSnapshot snapshot, int group) {
        List<Resolution> winners = snapshot.winners();
        StringBuilder text = new StringBuilder(80 * winners.size());
        for (Resolution r : winners) {
            text.append(group).append(' ').append(r.prefix().network()).append(' ').append(r.prefix().length())
                    .append(" 0 ").append(r.sipDomainSid()).append('\n');
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The tag of an export and the id of the change its body reflects. */
    record Tag(ChangeId head, String etag) {
    }

    private record Built(Tag tag, byte[] body) {
    }

    /**
     * The tag last answered for each account's exports, the most recently used {@value #KEPT_TAGS} kept: what lets a
     * poller whose copy is current be answered 304 from a read of the head. A body is fixed by its account, kind and
     * head change, so a tag kept for a head stays right for as long as the store's head is that change: the same
     * number and nonce (a database restored to an older backup may reach the number again with other changes).
     */
    static final class Tags {
        private final Map<String, Tag> tags = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Tag> eldest) {
                return size() > KEPT_TAGS;
            }
        };

        synchronized Tag get(AccountSid account, String kind) {
            return tags.get(account.value() + ' ' + kind);
        }

        synchronized void put(AccountSid account, String kind, Tag tag) {
            tags.put(account.value() + ' ' + kind, tag);
        }
    }

    /** A Kamailio group: 1..2^31-1, decimal. */
    private static int group(String text) {
        if (!text.isEmpty() && text.length() <= 10 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long value = Long.parseLong(text);
            if (value >= 1 && value <= Integer.MAX_VALUE) {
                return (int) value;
            }
        }
        throw new SipmapException.InvalidParameter("Group", "Invalid Group: expected an integer from 1 to "
                + Integer.MAX_VALUE + ", got '" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'");
    }

    /** A strong entity tag: the first 128 bits of the body's SHA-256, so equal bodies, and only they, share one. */
    static String etag(byte[] body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The id of the account's last change, from a read of one change at most. */
    private CompletionStage<ChangeId> head(AccountSid account) {
        return streams.feed().changesAfter(account, ChangeId.ZERO, 1).thenApply(ChangeBatch::head);
    }
}

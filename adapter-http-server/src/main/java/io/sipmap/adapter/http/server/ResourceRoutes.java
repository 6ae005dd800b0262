package io.sipmap.adapter.http.server;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.Sid;
import io.sipmap.domain.SipmapException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/**
 * The five handlers of one Twilio resource ({@code /v1/IpRecords}, {@code /v1/SourceIpMappings}), alike for both:
 * the SID in the path, the paging query, the call to the api and the answer are here; a subclass only turns Twilio's
 * form fields into the api's commands. Handlers run on the event loop.
 *
 * @param <S> the resource's SID
 * @param <T> the resource
 */
abstract class ResourceRoutes<S extends Sid, T> {

    private final WireResource<S, T> resource;
    private final Optional<String> publicBaseUrl;
    private final BiFunction<AccountSid, S, CompletionStage<T>> fetch;
    private final BiFunction<AccountSid, PageRequest, CompletionStage<Page<T>>> list;
    private final BiFunction<AccountSid, S, CompletionStage<Void>> delete;
    private volatile Writers<T> lastWriters;

    /** {@code fetch}, {@code list} and {@code delete} are the api's. */
    ResourceRoutes(WireResource<S, T> resource, Optional<String> publicBaseUrl,
                   BiFunction<AccountSid, S, CompletionStage<T>> fetch,
                   BiFunction<AccountSid, PageRequest, CompletionStage<Page<T>>> list,
                   BiFunction<AccountSid, S, CompletionStage<Void>> delete) {
        this.resource = resource;
        this.publicBaseUrl = publicBaseUrl;
        this.fetch = fetch;
        this.list = list;
        this.delete = delete;
    }

    /** Reads the create form and asks the api to create; form errors are thrown. */
    abstract CompletionStage<T> create(AccountSid account, RoutingContext ctx);

    /** Reads the update form and asks the api to update; form errors are thrown. */
    abstract CompletionStage<T> update(AccountSid account, S sid, RoutingContext ctx);

    /** Routes the collection and its members. */
    final void mount(Router router) {
        String path = resource.path();
        router.post(path).handler(this::create);
        router.get(path).handler(this::list);
        router.get(path + "/:sid").handler(this::fetch);
        router.post(path + "/:sid").handler(this::update);
        router.delete(path + "/:sid").handler(this::delete);
    }

    private void create(RoutingContext ctx) {
        answer(ctx, 201, create(Exchanges.account(ctx), ctx));
    }

    private void list(RoutingContext ctx) {
        PageQuery query = PageQuery.parse(Exchanges.query(ctx), resource.sidPrefix());
        Exchanges.onResult(ctx, list.apply(Exchanges.account(ctx), query.request()), page -> {
            Writers<T> writers = writers(ctx);
            Answers.json(ctx, 200, PageJson.toJson(page, query, writers.listUrl, resource.listKey(), writers.item));
        });
    }

    private void fetch(RoutingContext ctx) {
        answer(ctx, 200, fetch.apply(Exchanges.account(ctx), sid(ctx)));
    }

    private void update(RoutingContext ctx) {
        S sid = sid(ctx);
        answer(ctx, 200, update(Exchanges.account(ctx), sid, ctx));
    }

    private void delete(RoutingContext ctx) {
        Exchanges.onResult(ctx, delete.apply(Exchanges.account(ctx), sid(ctx)), done -> Answers.noContent(ctx));
    }

    private void answer(RoutingContext ctx, int status, CompletionStage<T> stage) {
        Exchanges.onResult(ctx, stage, item -> {
            ResourceWriter<T> writer = writers(ctx).item;
            JsonWriter json = new JsonWriter(writer.length());
            writer.write(json, item);
            Answers.json(ctx, status, json);
        });
    }

    /** The SID in the path; a malformed one names no resource, so 404 rather than 400. */
    private S sid(RoutingContext ctx) {
        String sid = ctx.pathParam("sid");
        if (!Sid.isWellFormed(resource.sidPrefix(), sid)) {
            throw new SipmapException.NotFound("No resource " + resource.path() + "/" + sid);
        }
        return resource.sid().apply(sid);
    }

    /** What answers under one base URL write with: the list's URL and the resource's writer. */
    private record Writers<T>(String base, String listUrl, ResourceWriter<T> item) {
    }

    /**
     * The writers for the request's base URL: the last ones made, when the base URL is the same, as it is for every
     * request but the first when the server has one name.
     */
    private Writers<T> writers(RoutingContext ctx) {
        String base = Exchanges.baseUrl(ctx, publicBaseUrl);
        Writers<T> last = lastWriters;
        if (last == null || !last.base.equals(base)) {
            String listUrl = base + resource.path();
            last = new Writers<>(base, listUrl, resource.writer().apply(JsonWriter.escape(listUrl + "/")));
            lastWriters = last;
        }
        return last;
    }
}

package io.sipmap.adapter.http.client;

import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.IpRecords;
import io.sipmap.api.UpdateIpRecord;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletionStage;

/**
 * {@link IpRecords} over HTTP: Twilio's {@code /v1/IpRecords}, against Twilio or a sipmap server. Made by
 * {@link SipmapClient}; it acts for the account of the client's credentials only, and a call for another account fails
 * with {@code InvalidParameter} naming {@code AccountSid} without a request. Besides the {@code SipmapException}
 * variants the interface names, any stage may fail with {@code Upstream}: credentials refused, a rate limit or server
 * error that outlasted the {@link RetryPolicy}, a timeout, a reset connection, or a body that is not what Twilio sends.
 * Stages complete on a Vert.x event loop. Thread-safe.
 */
public final class HttpIpRecords implements IpRecords {

    static final String PATH = "/v1/IpRecords";
    static final String KEY = "ip_records";

    private final ClientCore core;

    HttpIpRecords(ClientCore core) {
        this.core = core;
    }

    @Override
    public CompletionStage<IpRecord> create(AccountSid account, CreateIpRecord command) {
        return core.call(account, () -> {
            MultiMap form = MultiMap.caseInsensitiveMultiMap()
                    .add("IpAddress", command.ipAddress().toString())
                    .add("CidrPrefixLength", Integer.toString(command.cidrPrefixLength()));
            if (command.friendlyName() != null) {
                form.add("FriendlyName", command.friendlyName());
            }
            return core.transport().read(HttpMethod.POST, PATH, form, WireJson::ipRecord, 201, 200);
        });
    }

    @Override
    public CompletionStage<IpRecord> fetch(AccountSid account, IpRecordSid sid) {
        return core.call(account, () -> core.transport()
                .read(HttpMethod.GET, PATH + "/" + sid.value(), null, WireJson::ipRecord, 200));
    }

    /**
     * One page. Its {@code next}/{@code previous} cursors come from the {@code PageToken}s of the server's
     * {@code next_page_url}/{@code previous_page_url}; a token that is not sipmap's {@code PA}/{@code PB} form becomes
     * the keyset cursor after the last (before the first) item. Against a server whose tokens are opaque, prefer
     * {@code stream}, which follows {@code next_page_url} as given.
     */
    @Override
    public CompletionStage<Page<IpRecord>> list(AccountSid account, PageRequest request) {
        return core.call(account, () -> core.transport()
                .read(HttpMethod.GET, ClientCore.listTarget(PATH, request), null, this::page, 200)
                .map(WireJson.RawPage::page));
    }

    /**
     * Changes the friendly name. A null name sends no {@code FriendlyName}, which leaves the name as it is.
     */
    @Override
    public CompletionStage<IpRecord> update(AccountSid account, IpRecordSid sid, UpdateIpRecord command) {
        return core.call(account, () -> {
            MultiMap form = MultiMap.caseInsensitiveMultiMap();
            if (command.friendlyName() != null) {
                form.add("FriendlyName", command.friendlyName());
            }
            return core.transport().read(HttpMethod.POST, PATH + "/" + sid.value(), form, WireJson::ipRecord, 200);
        });
    }

    @Override
    public CompletionStage<Void> delete(AccountSid account, IpRecordSid sid) {
        return core.call(account, () -> core.transport().noContent(HttpMethod.DELETE, PATH + "/" + sid.value()));
    }

    /**
     * Every IP record of the account in SID order, read {@code pageSize} at a time by following
     * {@code next_page_url} exactly as the server gives it (its path and query, on the configured host), at most
     * {@code limit} of them. Each subscription is a new walk.
     *
     * <p>A page is requested only when the subscriber has demand left and the previous page is used up, so at most
     * one page is held in memory; {@code cancel()} stops the requests. Signals arrive on one Vert.x context (the
     * subscriber's, when it subscribes from one), never concurrently; a failure ends the stream with
     * {@code onError(SipmapException)}, after the records already delivered.
     *
     * <p>Why a {@link java.util.concurrent.Flow.Publisher}: it is in the JDK, so plain-Java callers need nothing else
     * ({@link RecordStream#forEach} covers the common case), and it carries the two things a stream needs here, demand
     * (back-pressure) and cancellation. Reactor ({@code JdkFlowAdapter}), RxJava ({@code FlowAdapters}) and Mutiny
     * adapt it in one call, and a Vert.x caller subscribes from its verticle. A Vert.x {@code ReadStream} would tie
     * plain-Java callers to Vert.x types; an {@code Iterator} would block, which Vert.x threads must not.
     *
     * @param pageSize 1..1000
     * @param limit    how many records at most, {@code >= 0}; {@code Long.MAX_VALUE} for all
     */
    public RecordStream<IpRecord> stream(AccountSid account, int pageSize, long limit) {
        return core.stream(account, PATH, pageSize, limit, this::page);
    }

    /** Every IP record of the account in SID order, 1000 a page. */
    public RecordStream<IpRecord> stream(AccountSid account) {
        return stream(account, PageRequest.MAX_SIZE, Long.MAX_VALUE);
    }

    private WireJson.RawPage<IpRecord> page(JsonObject body) {
        return WireJson.page(body, KEY, IpRecordSid.PREFIX, WireJson::ipRecord, r -> r.sid().value());
    }
}

package io.sipmap.adapter.http.client;

import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.api.SourceIpMappings;
import io.sipmap.api.UpdateSourceIpMapping;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.CompletionStage;

/**
 * {@link SourceIpMappings} over HTTP: Twilio's {@code /v1/SourceIpMappings}, against Twilio or a sipmap server. Made
 * by {@link SipmapClient}; it acts for the account of the client's credentials only, and a call for another account
 * fails with {@code InvalidParameter} naming {@code AccountSid} without a request. The wire form of a mapping has no
 * account, so the mappings it returns carry the client's. Besides the {@code SipmapException} variants the interface
 * names, any stage may fail with {@code Upstream} (see {@link HttpIpRecords}). Stages complete on a Vert.x event loop.
 * Thread-safe.
 */
public final class HttpSourceIpMappings implements SourceIpMappings {

    static final String PATH = "/v1/SourceIpMappings";
    static final String KEY = "source_ip_mappings";

    private final ClientCore core;

    HttpSourceIpMappings(ClientCore core) {
        this.core = core;
    }

    @Override
    public CompletionStage<SourceIpMapping> create(AccountSid account, CreateSourceIpMapping command) {
        return core.call(account, () -> {
            MultiMap form = MultiMap.caseInsensitiveMultiMap()
                    .add("IpRecordSid", command.ipRecordSid().value())
                    .add("SipDomainSid", command.sipDomainSid().value());
            return core.transport().read(HttpMethod.POST, PATH, form, this::mapping, 201, 200).map(core::written);
        });
    }

    @Override
    public CompletionStage<SourceIpMapping> fetch(AccountSid account, SourceIpMappingSid sid) {
        return core.call(account, () ->
                core.transport().read(HttpMethod.GET, PATH + "/" + sid.value(), null, this::mapping, 200));
    }

    /**
     * One page. Its {@code next}/{@code previous} cursors come from the {@code PageToken}s of the server's
     * {@code next_page_url}/{@code previous_page_url}; a token that is not sipmap's {@code PA}/{@code PB} form becomes
     * the keyset cursor after the last (before the first) item. Against a server whose tokens are opaque, prefer
     * {@code stream}, which follows {@code next_page_url} as given.
     */
    @Override
    public CompletionStage<Page<SourceIpMapping>> list(AccountSid account, PageRequest request) {
        return core.call(account, () -> core.transport()
                .read(HttpMethod.GET, ClientCore.listTarget(PATH, request), null, this::page, 200)
                .map(WireJson.RawPage::page));
    }

    @Override
    public CompletionStage<SourceIpMapping> update(AccountSid account, SourceIpMappingSid sid,
                                                   UpdateSourceIpMapping command) {
        return core.call(account, () -> {
            MultiMap form = MultiMap.caseInsensitiveMultiMap().add("SipDomainSid", command.sipDomainSid().value());
            return core.transport().read(HttpMethod.POST, PATH + "/" + sid.value(), form, this::mapping, 200)
                    .map(core::written);
        });
    }

    @Override
    public CompletionStage<Void> delete(AccountSid account, SourceIpMappingSid sid) {
        return core.call(account, () -> core.transport().noContent(HttpMethod.DELETE, PATH + "/" + sid.value())
                .map(v -> {
                    core.deleted(sid);
                    return v;
                }));
    }

    /**
     * Every mapping of the account in SID order, read {@code pageSize} at a time by following {@code next_page_url}
     * exactly as the server gives it, at most {@code limit} of them. Demand, cancellation, threads and failures are as
     * for {@link HttpIpRecords#stream(AccountSid, int, long)}.
     *
     * @param pageSize 1..1000
     * @param limit    how many mappings at most, {@code >= 0}; {@code Long.MAX_VALUE} for all
     */
    public RecordStream<SourceIpMapping> stream(AccountSid account, int pageSize, long limit) {
        return core.stream(account, PATH, pageSize, limit, this::page);
    }

    /** Every mapping of the account in SID order, 1000 a page. */
    public RecordStream<SourceIpMapping> stream(AccountSid account) {
        return stream(account, PageRequest.MAX_SIZE, Long.MAX_VALUE);
    }

    private SourceIpMapping mapping(JsonObject body) {
        return WireJson.mapping(body, core.account());
    }

    private WireJson.RawPage<SourceIpMapping> page(JsonObject body) {
        return WireJson.page(body, KEY, SourceIpMappingSid.PREFIX, this::mapping, m -> m.sid().value());
    }
}

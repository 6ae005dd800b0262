package io.sipmap.adapter.http.client;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Cursor;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.function.Function;
import java.util.function.Supplier;

/** What both resources share: the account the credentials act for, the transport, and the stage rules. */
final class ClientCore {

    private final Vertx vertx;
    private final AccountSid account;
    private final Transport transport;
    /** Told of each mapping write of this client: the live replicas, whose resolutions wait for their own writes. */
    private final List<MappingWrites> watchers = new CopyOnWriteArrayList<>();

    /** A mapping write this client completed: {@code domain} is the SIP domain it now maps to, null when deleted. */
    interface MappingWrites {
        void written(SourceIpMappingSid mapping, SipDomainSid domain);
    }

    ClientCore(Vertx vertx, AccountSid account, Transport transport) {
        this.vertx = vertx;
        this.account = account;
        this.transport = transport;
    }

    AccountSid account() {
        return account;
    }

    Transport transport() {
        return transport;
    }

    /** Tells {@code watcher} of every mapping write from now on; the runnable returned stops it. */
    Runnable watch(MappingWrites watcher) {
        watchers.add(watcher);
        return () -> watchers.remove(watcher);
    }

    /** A mapping write completed (created or updated): called before the caller's stage completes. */
    SourceIpMapping written(SourceIpMapping mapping) {
        watchers.forEach(watcher -> watcher.written(mapping.sid(), mapping.sipDomainSid()));
        return mapping;
    }

    /** A mapping was deleted: called before the caller's stage completes. */
    void deleted(SourceIpMappingSid sid) {
        watchers.forEach(watcher -> watcher.written(sid, null));
    }

    /** Runs {@code body} for {@code requested}; never throws: a wrong account or a thrown exception fails the stage. */
    <T> CompletionStage<T> call(AccountSid requested, Supplier<Future<T>> body) {
        try {
            checkAccount(requested);
            return body.get().toCompletionStage();
        } catch (RuntimeException e) {
            return CompletableFuture.failedStage(e);
        }
    }

    <T> RecordStream<T> stream(AccountSid requested, String path, int pageSize, long limit,
                                 Function<JsonObject, WireJson.RawPage<T>> page) {
        try {
            checkAccount(requested);
            if (limit < 0) {
                throw new IllegalArgumentException("limit must be >= 0, got " + limit);
            }
            String first = transport.resolve(listTarget(path, PageRequest.first(pageSize)));
            return new RecordStream<>(new PagePublisher<>(vertx, first, limit,
                    target -> transport.read(HttpMethod.GET, target, null, page, 200)));
        } catch (RuntimeException e) {
            return new RecordStream<>(subscriber -> {
                subscriber.onSubscribe(new Flow.Subscription() {
                    @Override
                    public void request(long n) {
                    }

                    @Override
                    public void cancel() {
                    }
                });
                subscriber.onError(e);
            });
        }
    }

    private void checkAccount(AccountSid requested) {
        if (requested == null) {
            throw new SipmapException.InvalidParameter("AccountSid", "An AccountSid is required");
        }
        if (!requested.equals(account)) {
            throw new SipmapException.InvalidParameter("AccountSid", "This client acts for account " + account
                    + " (the account of its credentials), not for " + requested);
        }
    }

    /** The query of a list request: {@code PageSize}, then {@code PageToken} or {@code Page} as the cursor asks. */
    static String listTarget(String path, PageRequest request) {
        StringBuilder target = new StringBuilder(path).append("?PageSize=").append(request.size());
        Cursor cursor = request.cursor();
        if (cursor instanceof Cursor.Offset offset) {
            if (offset.skip() % request.size() != 0) {
                throw new SipmapException.InvalidParameter("Page", "An offset of " + offset.skip()
                        + " is not a whole number of pages of " + request.size() + "; Twilio's Page counts pages");
            }
            target.append("&Page=").append(offset.skip() / request.size());
        } else if (cursor.token() != null) {
            target.append("&PageToken=").append(cursor.token());
        }
        return target.toString();
    }
}

package io.sipmap.adapter.http.server;

import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.api.IpRecords;
import io.sipmap.api.SourceIpMappings;
import io.sipmap.api.UpdateIpRecord;
import io.sipmap.api.UpdateSourceIpMapping;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Cursor;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.Sid;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Both api interfaces over plain maps, for the server's black-box tests (which may not see the real stores): a fixed
 * clock, counting SIDs, the invariants of WIRE.md, and a way to make the next call fail or hang.
 */
final class FakeApi {

    static final Instant CREATED = Instant.parse("2020-03-18T23:31:36Z");
    static final Instant UPDATED = Instant.parse("2020-03-19T01:02:03Z");

    private final Map<AccountSid, NavigableMap<String, IpRecord>> records = new ConcurrentHashMap<>();
    private final Map<AccountSid, NavigableMap<String, SourceIpMapping>> mappings = new ConcurrentHashMap<>();
    private final AtomicLong counter = new AtomicLong();
    /** When set, the next call returns this stage instead of doing anything. */
    final AtomicReference<Supplier<CompletionStage<?>>> next = new AtomicReference<>();

    final IpRecords ipRecords = new Records();
    final SourceIpMappings sourceIpMappings = new Mappings();

    String nextHex() {
        return String.format("%032x", counter.incrementAndGet());
    }

    /** An account this fake has not seen. */
    AccountSid newAccount() {
        return AccountSid.ofHex(nextHex());
    }

    private NavigableMap<String, IpRecord> records(AccountSid account) {
        return records.computeIfAbsent(account, a -> new ConcurrentSkipListMap<>());
    }

    private NavigableMap<String, SourceIpMapping> mappings(AccountSid account) {
        return mappings.computeIfAbsent(account, a -> new ConcurrentSkipListMap<>());
    }

    @SuppressWarnings("unchecked")
    private synchronized <T> CompletionStage<T> call(Supplier<T> body) {
        Supplier<CompletionStage<?>> override = next.getAndSet(null);
        if (override != null) {
            return (CompletionStage<T>) override.get();
        }
        try {
            return CompletableFuture.completedFuture(body.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static <T> Page<T> page(NavigableMap<String, T> bySid, PageRequest request, Function<T, Sid> sidOf) {
        List<T> all = new ArrayList<>(bySid.values());
        int from;
        int to;
        Cursor cursor = request.cursor();
        if (cursor instanceof Cursor.Before before) {
            to = bySid.headMap(before.sid(), false).size();
            from = Math.max(0, to - request.size());
        } else {
            if (cursor instanceof Cursor.After after) {
                from = bySid.headMap(after.sid(), true).size();
            } else if (cursor instanceof Cursor.Offset offset) {
                from = (int) Math.min(all.size(), offset.skip());
            } else {
                from = 0;
            }
            to = Math.min(all.size(), from + request.size());
        }
        return Page.of(all.subList(from, to), to < all.size(), from > 0 && to > from, sidOf);
    }

    private static SipmapException.NotFound notFound(Sid sid) {
        return new SipmapException.NotFound("No resource " + sid);
    }

    private final class Records implements IpRecords {
        @Override
        public CompletionStage<IpRecord> create(AccountSid account, CreateIpRecord command) {
            return call(() -> {
                var record = new IpRecord(account, IpRecordSid.ofHex(nextHex()), command.friendlyName(),
                        command.ipAddress(), command.cidrPrefixLength(), CREATED, CREATED);
                records(account).put(record.sid().value(), record);
                return record;
            });
        }

        @Override
        public CompletionStage<IpRecord> fetch(AccountSid account, IpRecordSid sid) {
            return call(() -> {
                IpRecord found = records(account).get(sid.value());
                if (found == null) {
                    throw notFound(sid);
                }
                return found;
            });
        }

        @Override
        public CompletionStage<Page<IpRecord>> list(AccountSid account, PageRequest request) {
            return call(() -> page(records(account), request, IpRecord::sid));
        }

        @Override
        public CompletionStage<IpRecord> update(AccountSid account, IpRecordSid sid, UpdateIpRecord command) {
            return call(() -> {
                IpRecord found = records(account).get(sid.value());
                if (found == null) {
                    throw notFound(sid);
                }
                String name = command.friendlyName() == null ? found.friendlyName() : command.friendlyName();
                IpRecord updated = found.withFriendlyName(name, UPDATED);
                records(account).put(sid.value(), updated);
                return updated;
            });
        }

        @Override
        public CompletionStage<Void> delete(AccountSid account, IpRecordSid sid) {
            return call(() -> {
                if (mappings(account).values().stream().anyMatch(m -> m.ipRecordSid().equals(sid))) {
                    throw new SipmapException.Conflict("IP record " + sid + " is mapped; delete the mapping first");
                }
                if (records(account).remove(sid.value()) == null) {
                    throw notFound(sid);
                }
                return null;
            });
        }
    }

    private final class Mappings implements SourceIpMappings {
        @Override
        public CompletionStage<SourceIpMapping> create(AccountSid account, CreateSourceIpMapping command) {
            return call(() -> {
                if (!records(account).containsKey(command.ipRecordSid().value())) {
                    throw new SipmapException.InvalidParameter("IpRecordSid",
                            "Invalid IpRecordSid: no IP record " + command.ipRecordSid() + " exists");
                }
                if (mappings(account).values().stream().anyMatch(m -> m.ipRecordSid().equals(command.ipRecordSid()))) {
                    throw new SipmapException.Conflict("IP record " + command.ipRecordSid() + " is already mapped");
                }
                var mapping = new SourceIpMapping(account, SourceIpMappingSid.ofHex(nextHex()), command.ipRecordSid(),
                        command.sipDomainSid(), CREATED, CREATED);
                mappings(account).put(mapping.sid().value(), mapping);
                return mapping;
            });
        }

        @Override
        public CompletionStage<SourceIpMapping> fetch(AccountSid account, SourceIpMappingSid sid) {
            return call(() -> {
                SourceIpMapping found = mappings(account).get(sid.value());
                if (found == null) {
                    throw notFound(sid);
                }
                return found;
            });
        }

        @Override
        public CompletionStage<Page<SourceIpMapping>> list(AccountSid account, PageRequest request) {
            return call(() -> page(mappings(account), request, SourceIpMapping::sid));
        }

        @Override
        public CompletionStage<SourceIpMapping> update(AccountSid account, SourceIpMappingSid sid,
                                                       UpdateSourceIpMapping command) {
            return call(() -> {
                SourceIpMapping found = mappings(account).get(sid.value());
                if (found == null) {
                    throw notFound(sid);
                }
                SourceIpMapping updated = found.withSipDomainSid(command.sipDomainSid(), UPDATED);
                mappings(account).put(sid.value(), updated);
                return updated;
            });
        }

        @Override
        public CompletionStage<Void> delete(AccountSid account, SourceIpMappingSid sid) {
            return call(() -> {
                if (mappings(account).remove(sid.value()) == null) {
                    throw notFound(sid);
                }
                return null;
            });
        }
    }
}

package io.sipmap.service;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.sipmap.spi.SourceIpMappingStore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * A {@link SourceIpMappingStore} in a map that knows which IP records exist, as a real store does, and can be told
 * to fail, to throw, or to lose a mapping under an update: a script for the service tests, not a store, and so not
 * run against {@code SourceIpMappingStoreContract}. Its pages are whatever the test puts in {@link #page}; the IP
 * records it knows are a set the test fills, with no {@code IpRecordStore} beside it to share invariants with; it
 * does not refuse a second insert of a SID or a replace that changes more than the SIP domain; and it is not
 * thread-safe.
 */
final class FakeSourceIpMappingStore implements SourceIpMappingStore {

    final Map<List<Object>, SourceIpMapping> mappings = new LinkedHashMap<>();
    final Set<List<Object>> ipRecords = new HashSet<>();
    final List<SourceIpMapping> replaced = new ArrayList<>();
    /** When set, every call fails with it. */
    RuntimeException failure;
    /** When set, every call throws {@link #failure} instead of returning a stage: a store breaking its contract. */
    boolean throwing;
    /** When set, the mapping is deleted between the service's find and its replace. */
    boolean deletedBeforeReplace;
    PageRequest pageRequest;
    Page<SourceIpMapping> page = new Page<>(List.of(), Optional.empty(), Optional.empty());

    void addIpRecord(AccountSid account, IpRecordSid sid) {
        ipRecords.add(List.of(account, sid));
    }

    private static List<Object> key(AccountSid account, SourceIpMappingSid sid) {
        return List.of(account, sid);
    }

    private <T> CompletionStage<T> answer(Supplier<T> value) {
        if (failure != null) {
            if (throwing) {
                throw failure;
            }
            return CompletableFuture.failedStage(failure);
        }
        try {
            return CompletableFuture.completedStage(value.get());
        } catch (SipmapException e) {
            return CompletableFuture.failedStage(e);
        }
    }

    @Override
    public CompletionStage<SourceIpMapping> insert(SourceIpMapping mapping) {
        return answer(() -> {
            if (!ipRecords.contains(List.of(mapping.accountSid(), mapping.ipRecordSid()))) {
                throw new SipmapException.InvalidParameter("IpRecordSid", "no such IP record");
            }
            boolean mapped = mappings.values().stream().anyMatch(m -> m.accountSid().equals(mapping.accountSid())
                    && m.ipRecordSid().equals(mapping.ipRecordSid()));
            if (mapped) {
                throw new SipmapException.Conflict("already mapped");
            }
            mappings.put(key(mapping.accountSid(), mapping.sid()), mapping);
            return mapping;
        });
    }

    @Override
    public CompletionStage<Optional<SourceIpMapping>> find(AccountSid account, SourceIpMappingSid sid) {
        return answer(() -> Optional.ofNullable(mappings.get(key(account, sid))));
    }

    @Override
    public CompletionStage<Page<SourceIpMapping>> page(AccountSid account, PageRequest request) {
        return answer(() -> {
            pageRequest = request;
            return page;
        });
    }

    @Override
    public CompletionStage<Optional<SourceIpMapping>> replace(SourceIpMapping mapping) {
        return answer(() -> {
            List<Object> key = key(mapping.accountSid(), mapping.sid());
            if (deletedBeforeReplace) {
                mappings.remove(key);
            }
            if (!mappings.containsKey(key)) {
                return Optional.empty();
            }
            replaced.add(mapping);
            mappings.put(key, mapping);
            return Optional.of(mapping);
        });
    }

    @Override
    public CompletionStage<Boolean> delete(AccountSid account, SourceIpMappingSid sid) {
        return answer(() -> mappings.remove(key(account, sid)) != null);
    }
}

package io.sipmap.service;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.spi.IpRecordStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * An {@link IpRecordStore} in a map, which can be told to fail, to throw, or to lose a record under an update: a
 * script for the service tests, not a store, and so not run against {@code IpRecordStoreContract}. Its pages are
 * whatever the test puts in {@link #page}; it knows no mappings, so it never refuses a delete; it does not refuse a
 * second insert of a SID or a replace that changes more than the name; and it is not thread-safe.
 */
final class FakeIpRecordStore implements IpRecordStore {

    final Map<List<Object>, IpRecord> records = new LinkedHashMap<>();
    final List<IpRecord> replaced = new ArrayList<>();
    /** When set, every call fails with it. */
    RuntimeException failure;
    /** When set, every call throws {@link #failure} instead of returning a stage: a store breaking its contract. */
    boolean throwing;
    /** When set, the record is deleted between the service's find and its replace. */
    boolean deletedBeforeReplace;
    PageRequest pageRequest;
    Page<IpRecord> page = new Page<>(List.of(), Optional.empty(), Optional.empty());

    private static List<Object> key(AccountSid account, IpRecordSid sid) {
        return List.of(account, sid);
    }

    private <T> CompletionStage<T> answer(Supplier<T> value) {
        if (failure != null) {
            if (throwing) {
                throw failure;
            }
            return CompletableFuture.failedStage(failure);
        }
        return CompletableFuture.completedStage(value.get());
    }

    @Override
    public CompletionStage<IpRecord> insert(IpRecord record) {
        return answer(() -> {
            records.put(key(record.accountSid(), record.sid()), record);
            return record;
        });
    }

    @Override
    public CompletionStage<Optional<IpRecord>> find(AccountSid account, IpRecordSid sid) {
        return answer(() -> Optional.ofNullable(records.get(key(account, sid))));
    }

    @Override
    public CompletionStage<Page<IpRecord>> page(AccountSid account, PageRequest request) {
        return answer(() -> {
            pageRequest = request;
            return page;
        });
    }

    @Override
    public CompletionStage<Optional<IpRecord>> replace(IpRecord record) {
        return answer(() -> {
            List<Object> key = key(record.accountSid(), record.sid());
            if (deletedBeforeReplace) {
                records.remove(key);
            }
            if (!records.containsKey(key)) {
                return Optional.empty();
            }
            replaced.add(record);
            records.put(key, record);
            return Optional.of(record);
        });
    }

    @Override
    public CompletionStage<Boolean> delete(AccountSid account, IpRecordSid sid) {
        return answer(() -> records.remove(key(account, sid)) != null);
    }
}

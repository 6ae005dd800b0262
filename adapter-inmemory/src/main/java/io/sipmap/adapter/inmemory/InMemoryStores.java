package io.sipmap.adapter.inmemory;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.AddressSnapshot;
import io.sipmap.domain.Change;
import io.sipmap.domain.ChangeBatch;
import io.sipmap.domain.ChangeId;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.PrefixIndex;
import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import io.sipmap.spi.BatchStore;
import io.sipmap.spi.BatchWrite;
import io.sipmap.spi.ChangeStore;
import io.sipmap.spi.IpRecordStore;
import io.sipmap.spi.ResolutionStore;
import io.sipmap.spi.SourceIpMappingStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The stores of the spi in memory, made together because they share the invariants between IP records and mappings
 * (a mapping's IP record exists; one mapping per IP record; a mapped IP record cannot be deleted) and because
 * resolution reads both.
 *
 * <p>Each account has its own partition: two {@link SortedChunks} keyed by SID and a {@link PrefixIndex} from source address to
 * {@link Resolution}, which also says which mapping each IP record has. Reads take no lock and see each write whole. Writes
 * to one account take that account's lock, one lock behind all the stores, so the invariants hold whatever the order of
 * concurrent calls, and a mapping write changes the prefix index before the lock is released and the stage completed;
 * accounts never wait for each other. A page costs O(log n + page size) at any depth, forwards or backwards; a
 * resolution costs a {@link PrefixIndex#lookup} (a few hash probes, no lock). Stages are already complete when
 * returned.
 *
 * <p>Every write that changes something also appends its {@link Change} to the account's change log under the same
 * lock, so the change is numbered and recorded in the step that makes the write, and handed to the account's
 * {@linkplain ChangeStore#subscribe subscribers} before the lock is released, in number order. The log keeps the
 * account's last {@code changeLogCapacity} changes; a reader further behind is told to start again from a snapshot.
 * Each change's nonce is drawn from the stores' random source, so that stores made again after a restart, empty, give
 * their numbers to other changes than the stores before them did.
 */
public final class InMemoryStores {

    /** How many changes each account's log keeps by default. */
    public static final int DEFAULT_CHANGE_LOG_CAPACITY = 10_000;

    private final ConcurrentHashMap<AccountSid, Partition> partitions = new ConcurrentHashMap<>();
    private final IpRecordStore ipRecords = new IpRecords();
    private final SourceIpMappingStore sourceIpMappings = new SourceIpMappings();
    private final ResolutionStore resolutions = new Resolutions();
    private final ChangeStore changes = new Changes();
    private final BatchStore batches = new Batches();
    private final int changeLogCapacity;
    private final RandomGenerator nonces;

    /** Empty stores, each account's change log keeping {@value #DEFAULT_CHANGE_LOG_CAPACITY} changes. */
    public static InMemoryStores create() {
        return create(DEFAULT_CHANGE_LOG_CAPACITY);
    }

    /** Empty stores, each account's change log keeping its last {@code changeLogCapacity} changes (at least 1). */
    public static InMemoryStores create(int changeLogCapacity) {
        return create(changeLogCapacity, new Random());
    }

    /**
     * Empty stores, each account's change log keeping its last {@code changeLogCapacity} changes (at least 1), with
     * each change's nonce drawn from {@code nonces}, which writes of different accounts call concurrently: it must be
     * thread-safe, as {@link Random} is.
     */
    public static InMemoryStores create(int changeLogCapacity, RandomGenerator nonces) {
        if (changeLogCapacity < 1) {
            throw new IllegalArgumentException("changeLogCapacity must be at least 1, got " + changeLogCapacity);
        }
        return new InMemoryStores(changeLogCapacity, Objects.requireNonNull(nonces, "nonces"));
    }

    private InMemoryStores(int changeLogCapacity, RandomGenerator nonces) {
        this.changeLogCapacity = changeLogCapacity;
        this.nonces = nonces;
    }

    public IpRecordStore ipRecords() {
        return ipRecords;
    }

    public SourceIpMappingStore sourceIpMappings() {
        return sourceIpMappings;
    }

    /** Resolutions over the mappings and IP records of these stores. */
    public ResolutionStore resolutions() {
        return resolutions;
    }

    /** The change feed of these stores' writes. */
    public ChangeStore changes() {
        return changes;
    }

    /** Batches of writes to these stores, each under its account's lock, as single writes are. */
    public BatchStore batches() {
        return batches;
    }

    private final class Partition {
        final SortedChunks<IpRecord> records = new SortedChunks<>();
        final SortedChunks<SourceIpMapping> mappings = new SortedChunks<>();
        /**
         * Mapped IP records by prefix, keyed by IP record SID so that the index's tie-break (smallest key) is
         * {@link Resolution}'s; written under this partition's monitor, read without it. Also where a record's mapping
         * is found ({@link #mappingOf}), rather than in a map of its own, which would cost an entry per mapping.
         */
        final PrefixIndex<IpRecordSid, Resolution> resolutions = new PrefixIndex<>();
        /** Equal dates and SIP domains as one object each; used under this partition's monitor. */
        final SharedValues shared = new SharedValues();
        /** The account's recent changes; under this partition's monitor. */
        final ChangeLog log = new ChangeLog(changeLogCapacity);
        /** Who follows the account's changes; null until someone does. Changed and read under the monitor. */
        List<Consumer<Change>> listeners;

        /**
         * Records a change of a write being made, and hands it to the subscribers; under this partition's monitor.
         * {@code record} is the IP record that the change is of, or that its mapping maps.
         */
        void changed(Change.Kind kind, Object resource, IpRecord record) {
            Change change = log.append(nonces.nextInt(), kind, resource, kind.ofIpRecord() ? null : record.prefix());
            if (listeners == null) {
                return;
            }
            for (Consumer<Change> listener : listeners) {
                try {
                    listener.accept(change);
                } catch (RuntimeException e) {
                    listeners.remove(listener); // as its contract says: a listener that throws is cancelled
                }
            }
        }

        /** The SID of the IP record's mapping, or null; under this partition's monitor. */
        SourceIpMappingSid mappingOf(IpRecordSid record) {
            Resolution resolution = resolutions.get(record);
            return resolution == null ? null : resolution.mappingSid();
        }

        // The writes, each checked and recorded whole; under this partition's monitor, which single writes and
        // batches take alike.

        IpRecord insertRecord(IpRecord record) {
            if (records.containsKey(record.sid())) {
                throw new SipmapException.Conflict("IP record " + record.sid() + " already exists");
            }
            IpRecord kept = shared.kept(record);
            records.put(kept.sid(), kept);
            changed(Change.Kind.IP_RECORD_CREATED, kept, kept);
            return kept;
        }

        /** The record as replaced, or null when there is none. */
        IpRecord replaceRecord(IpRecord record) {
            IpRecord stored = records.get(record.sid());
            if (stored == null) {
                return null;
            }
            // the prefix index holds a mapped record's prefix, and nothing re-indexes it here
            if (!stored.ipAddress().equals(record.ipAddress())
                    || stored.cidrPrefixLength() != record.cidrPrefixLength()
                    || !stored.dateCreated().equals(record.dateCreated())) {
                throw new IllegalArgumentException("Only the friendly name and date_updated of an IP record change");
            }
            records.put(record.sid(), record);
            changed(Change.Kind.IP_RECORD_UPDATED, record, record);
            return record;
        }

        /** The record as it was, or null when there was none. */
        IpRecord deleteRecord(IpRecordSid sid) {
            SourceIpMappingSid mapping = mappingOf(sid);
            if (mapping != null) {
                throw mapped(sid, mapping);
            }
            IpRecord removed = records.remove(sid);
            if (removed != null) {
                changed(Change.Kind.IP_RECORD_DELETED, removed, removed);
            }
            return removed;
        }

        SourceIpMapping insertMapping(SourceIpMapping mapping) {
            IpRecordSid recordSid = mapping.ipRecordSid();
            IpRecord record = records.get(recordSid);
            if (record == null) {
                throw noRecord(recordSid);
            }
            Resolution.of(mapping, record); // checks before anything changes
            SourceIpMappingSid existing = mappingOf(record.sid());
            if (existing != null) {
                throw alreadyMapped(recordSid, existing);
            }
            if (mappings.containsKey(mapping.sid())) {
                throw new SipmapException.Conflict("Source IP mapping " + mapping.sid() + " already exists");
            }
            SourceIpMapping kept = shared.kept(mapping, record);
            mappings.put(kept.sid(), kept);
            resolutions.put(record.sid(), record.prefix(), Resolution.of(kept, record));
            changed(Change.Kind.SOURCE_IP_MAPPING_CREATED, kept, record);
            return kept;
        }

        /** The mapping as replaced, or null when there is none. */
        SourceIpMapping replaceMapping(SourceIpMapping mapping) {
            SourceIpMapping stored = mappings.get(mapping.sid());
            if (stored == null) {
                return null;
            }
            if (!stored.ipRecordSid().equals(mapping.ipRecordSid())
                    || !stored.dateCreated().equals(mapping.dateCreated())) {
                throw new IllegalArgumentException(
                        "Only the SIP domain and date_updated of a source IP mapping change");
            }
            // a mapped record cannot be deleted, and its prefix never changes
            IpRecord record = records.get(mapping.ipRecordSid());
            Resolution.of(mapping, record); // checks before anything changes
            SourceIpMapping kept = shared.kept(mapping, record);
            shared.release(stored.sipDomainSid());
            mappings.put(kept.sid(), kept);
            resolutions.put(record.sid(), record.prefix(), Resolution.of(kept, record));
            changed(Change.Kind.SOURCE_IP_MAPPING_UPDATED, kept, record);
            return kept;
        }

        /** The mapping as it was, or null when there was none. */
        SourceIpMapping deleteMapping(SourceIpMappingSid sid) {
            SourceIpMapping removed = mappings.remove(sid);
            if (removed == null) {
                return null;
            }
            resolutions.remove(removed.ipRecordSid());
            shared.release(removed.sipDomainSid());
            // the record is still there: a mapped record cannot be deleted
            changed(Change.Kind.SOURCE_IP_MAPPING_DELETED, removed, records.get(removed.ipRecordSid()));
            return removed;
        }
    }

    static SipmapException.Conflict mapped(IpRecordSid record, SourceIpMappingSid mapping) {
        return new SipmapException.Conflict("IP record " + record + " is mapped by source IP mapping " + mapping
                + "; delete the mapping first");
    }

    static SipmapException.Conflict alreadyMapped(IpRecordSid record, SourceIpMappingSid mapping) {
        return new SipmapException.Conflict("IP record " + record + " is already mapped by source IP mapping "
                + mapping);
    }

    static SipmapException.InvalidParameter noRecord(IpRecordSid record) {
        return new SipmapException.InvalidParameter("IpRecordSid",
                "Invalid IpRecordSid: no IP record " + record + " exists");
    }

    private Partition writable(AccountSid account) {
        return partitions.computeIfAbsent(account, a -> new Partition());
    }

    private Optional<Partition> readable(AccountSid account) {
        return Optional.ofNullable(partitions.get(account));
    }

    private static <T> CompletionStage<T> complete(Supplier<T> body) {
        try {
            return CompletableFuture.completedStage(body.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedStage(e);
        }
    }

    private final class IpRecords implements IpRecordStore {

        @Override
        public CompletionStage<IpRecord> insert(IpRecord record) {
            return complete(() -> {
                Partition p = writable(record.accountSid());
                synchronized (p) {
                    return p.insertRecord(record);
                }
            });
        }

        @Override
        public CompletionStage<Optional<IpRecord>> find(AccountSid account, IpRecordSid sid) {
            return complete(() -> readable(account).map(p -> p.records.get(sid)));
        }

        @Override
        public CompletionStage<Page<IpRecord>> page(AccountSid account, PageRequest request) {
            return complete(() -> readable(account)
                    .map(p -> KeysetPages.page(p.records, request, IpRecord::sid))
                    .orElseGet(KeysetPages::empty));
        }

        @Override
        public CompletionStage<Optional<IpRecord>> replace(IpRecord record) {
            return complete(() -> readable(record.accountSid()).map(p -> {
                synchronized (p) {
                    return p.replaceRecord(record);
                }
            }));
        }

        @Override
        public CompletionStage<Boolean> delete(AccountSid account, IpRecordSid sid) {
            return complete(() -> readable(account).map(p -> {
                synchronized (p) {
                    return p.deleteRecord(sid) != null;
                }
            }).orElse(false));
        }
    }

    private final class SourceIpMappings implements SourceIpMappingStore {

        @Override
        public CompletionStage<SourceIpMapping> insert(SourceIpMapping mapping) {
            return complete(() -> {
                Partition p = writable(mapping.accountSid());
                synchronized (p) {
                    return p.insertMapping(mapping);
                }
            });
        }

        @Override
        public CompletionStage<Optional<SourceIpMapping>> find(AccountSid account, SourceIpMappingSid sid) {
            return complete(() -> readable(account).map(p -> p.mappings.get(sid)));
        }

        @Override
        public CompletionStage<Page<SourceIpMapping>> page(AccountSid account, PageRequest request) {
            return complete(() -> readable(account)
                    .map(p -> KeysetPages.page(p.mappings, request, SourceIpMapping::sid))
                    .orElseGet(KeysetPages::empty));
        }

        @Override
        public CompletionStage<Optional<SourceIpMapping>> replace(SourceIpMapping mapping) {
            return complete(() -> readable(mapping.accountSid()).map(p -> {
                synchronized (p) {
                    return p.replaceMapping(mapping);
                }
            }));
        }

        @Override
        public CompletionStage<Boolean> delete(AccountSid account, SourceIpMappingSid sid) {
            return complete(() -> readable(account).map(p -> {
                synchronized (p) {
                    return p.deleteMapping(sid) != null;
                }
            }).orElse(false));
        }
    }

    private final class Resolutions implements ResolutionStore {

        @Override
        public CompletionStage<Optional<Resolution>> resolve(AccountSid account, IpAddress address) {
            return complete(() -> {
                Partition p = partitions.get(account);
                return Optional.ofNullable(p == null ? null : p.resolutions.lookup(address));
            });
        }
    }

    private final class Changes implements ChangeStore {

        private static final int SNAPSHOT_RUN = 1024;

        @Override
        public CompletionStage<ChangeBatch> changesAfter(AccountSid account, ChangeId after, int limit) {
            return complete(() -> {
                if (limit < 1) {
                    throw new IllegalArgumentException("limit must be at least 1");
                }
                Partition p = partitions.get(account);
                if (p == null) {
                    return after.seq() == 0 ? ChangeBatch.of(ChangeId.ZERO, List.of()) : ChangeBatch.reset(ChangeId.ZERO);
                }
                synchronized (p) {
                    return p.log.after(after, Math.min(limit, MAX_BATCH));
                }
            });
        }

        @Override
        public CompletionStage<AddressSnapshot> snapshot(AccountSid account) {
            return complete(() -> {
                Partition p = partitions.get(account);
                if (p == null) {
                    return new AddressSnapshot(ChangeId.ZERO, List.of());
                }
                List<Resolution> entries = new ArrayList<>();
                ChangeId head;
                synchronized (p) { // the entries and the number they reflect, read under the account's writes' lock
                    SortedChunks.Run<SourceIpMapping> run = p.mappings.first(0, SNAPSHOT_RUN);
                    while (run.size() > 0) {
                        List<SourceIpMapping> items = run.items();
                        items.forEach(mapping -> entries.add(p.resolutions.get(mapping.ipRecordSid())));
                        SourceIpMappingSid last = items.get(items.size() - 1).sid();
                        run = p.mappings.after(last.high(), last.low(), SNAPSHOT_RUN);
                    }
                    head = p.log.head();
                }
                return new AddressSnapshot(head, entries); // sorted outside the lock, so that writes do not wait
            });
        }

        @Override
        public CompletionStage<Subscription> subscribe(AccountSid account, Consumer<Change> listener) {
            return complete(() -> {
                Objects.requireNonNull(listener, "listener");
                Partition p = writable(account);
                synchronized (p) {
                    if (p.listeners == null) {
                        p.listeners = new CopyOnWriteArrayList<>();
                    }
                    p.listeners.add(listener);
                }
                return () -> {
                    synchronized (p) {
                        p.listeners.remove(listener);
                    }
                };
            });
        }
    }

    /**
     * A batch in two passes under the account's lock: the first plays the writes over an overlay of what they change,
     * checking each as its single write would and failing at the first that would fail, before anything is written;
     * the second makes them, through the same code as single writes, and cannot fail. A dry run stops after the first.
     */
    private final class Batches implements BatchStore {

        @Override
        public CompletionStage<List<Object>> apply(AccountSid account, List<BatchWrite> writes, boolean dryRun) {
            return complete(() -> {
                BatchWrite.requireOfAccount(writes, account);
                Partition p = dryRun ? readable(account).orElseGet(Partition::new) : writable(account);
                synchronized (p) {
                    List<Object> planned = new Overlay(p).play(writes);
                    if (dryRun) {
                        return planned;
                    }
                    List<Object> results = new ArrayList<>(writes.size());
                    for (int i = 0; i < writes.size(); i++) {
                        results.add(make(p, writes.get(i), planned.get(i)));
                    }
                    return results;
                }
            });
        }

        /** Makes one write that the overlay has checked; {@code planned} is what the overlay made of it. */
        private Object make(Partition p, BatchWrite write, Object planned) {
            if (write instanceof BatchWrite.InsertIpRecord insert) {
                return p.insertRecord(insert.record());
            }
            if (write instanceof BatchWrite.InsertSourceIpMapping insert) {
                return p.insertMapping(insert.mapping());
            }
            if (write instanceof BatchWrite.RenameIpRecord) {
                return p.replaceRecord((IpRecord) planned);
            }
            if (write instanceof BatchWrite.RemapSourceIpMapping) {
                return p.replaceMapping((SourceIpMapping) planned);
            }
            if (write instanceof BatchWrite.DeleteSourceIpMapping delete) {
                return p.deleteMapping(delete.sid());
            }
            return p.deleteRecord(((BatchWrite.DeleteIpRecord) write).sid());
        }
    }

    /**
     * What a batch's writes would leave, over a partition that stays as it is: each map holds what the writes so far
     * changed, a null value for what they removed. Used under the partition's monitor.
     */
    private static final class Overlay {
        private final Partition p;
        private final Map<IpRecordSid, IpRecord> records = new HashMap<>();
        private final Map<SourceIpMappingSid, SourceIpMapping> mappings = new HashMap<>();
        private final Map<IpRecordSid, SourceIpMappingSid> mappingOf = new HashMap<>();

        Overlay(Partition p) {
            this.p = p;
        }

        /** One resource per write, as {@link BatchStore#apply} returns them; fails at the first write refused. */
        List<Object> play(List<BatchWrite> writes) {
            List<Object> results = new ArrayList<>(writes.size());
            for (int i = 0; i < writes.size(); i++) {
                try {
                    results.add(play(writes.get(i)));
                } catch (SipmapException e) {
                    throw SipmapException.BatchRefused.at(i, e);
                }
            }
            return results;
        }

        private Object play(BatchWrite write) {
            if (write instanceof BatchWrite.InsertIpRecord insert) {
                IpRecord record = insert.record();
                if (record(record.sid()) != null) {
                    throw new SipmapException.Conflict("IP record " + record.sid() + " already exists");
                }
                records.put(record.sid(), record);
                return record;
            }
            if (write instanceof BatchWrite.InsertSourceIpMapping insert) {
                SourceIpMapping mapping = insert.mapping();
                IpRecord record = record(mapping.ipRecordSid());
                if (record == null) {
                    throw noRecord(mapping.ipRecordSid());
                }
                Resolution.of(mapping, record);
                SourceIpMappingSid existing = mappingOf(record.sid());
                if (existing != null) {
                    throw alreadyMapped(record.sid(), existing);
                }
                if (mapping(mapping.sid()) != null) {
                    throw new SipmapException.Conflict("Source IP mapping " + mapping.sid() + " already exists");
                }
                mappings.put(mapping.sid(), mapping);
                mappingOf.put(record.sid(), mapping.sid());
                return mapping;
            }
            if (write instanceof BatchWrite.RenameIpRecord rename) {
                IpRecord stored = record(rename.sid());
                if (stored == null) {
                    throw notFound("/IpRecords/" + rename.sid());
                }
                IpRecord renamed = stored.withFriendlyName(
                        rename.friendlyName() == null ? stored.friendlyName() : rename.friendlyName(), rename.at());
                records.put(renamed.sid(), renamed);
                return renamed;
            }
            if (write instanceof BatchWrite.RemapSourceIpMapping remap) {
                SourceIpMapping stored = mapping(remap.sid());
                if (stored == null) {
                    throw notFound("/SourceIpMappings/" + remap.sid());
                }
                SourceIpMapping moved = stored.withSipDomainSid(remap.sipDomainSid(), remap.at());
                mappings.put(moved.sid(), moved);
                return moved;
            }
            if (write instanceof BatchWrite.DeleteSourceIpMapping delete) {
                SourceIpMapping stored = mapping(delete.sid());
                if (stored == null) {
                    throw notFound("/SourceIpMappings/" + delete.sid());
                }
                mappings.put(stored.sid(), null);
                mappingOf.put(stored.ipRecordSid(), null);
                return stored;
            }
            IpRecordSid sid = ((BatchWrite.DeleteIpRecord) write).sid();
            IpRecord stored = record(sid);
            if (stored == null) {
                throw notFound("/IpRecords/" + sid);
            }
            SourceIpMappingSid mapping = mappingOf(sid);
            if (mapping != null) {
                throw mapped(sid, mapping);
            }
            records.put(sid, null);
            return stored;
        }

        private IpRecord record(IpRecordSid sid) {
            return records.containsKey(sid) ? records.get(sid) : p.records.get(sid);
        }

        private SourceIpMapping mapping(SourceIpMappingSid sid) {
            return mappings.containsKey(sid) ? mappings.get(sid) : p.mappings.get(sid);
        }

        private SourceIpMappingSid mappingOf(IpRecordSid record) {
            return mappingOf.containsKey(record) ? mappingOf.get(record) : p.mappingOf(record);
        }

        private static SipmapException.NotFound notFound(String path) {
            return new SipmapException.NotFound("The requested resource " + path + " was not found");
        }
    }
}

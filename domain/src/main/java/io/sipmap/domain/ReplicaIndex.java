package io.sipmap.domain;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One account's resolutions as a replica keeps them: its mapped IP records in a {@link PrefixIndex}, as of the number
 * of the last change they reflect, kept current by applying the account's numbered changes ({@link Change}) strictly in
 * sequence. Pure: no I/O, no clock; the replica feeds it what the change feed brings.
 *
 * <p>{@link #apply} takes change {@code seq() + 1} only: an older one was applied already (a resumed stream repeats
 * itself) and changes nothing; a newer one means changes went missing, which only a new snapshot can repair, so it
 * changes nothing either and says {@link Outcome#GAP}. Changes of IP records move the number on and nothing else: an
 * unmapped record resolves nothing, a record's address never changes, and a mapped record cannot be deleted.
 *
 * <p>Thread-safety: {@link #lookup}, {@link #size} and {@link #seq} from any thread, without locks (see
 * {@link PrefixIndex}); {@link #apply} and {@link #ofMapping} from one thread at a time, the replica's own.
 */
public final class ReplicaIndex {

    /** What {@link #apply} did. */
    public enum Outcome {
        /** The change was the next in sequence; the index now reflects it. */
        APPLIED,
        /** The change's number is not above {@link #seq()}: applied before, nothing changed. */
        ALREADY_SEEN,
        /** The change's number is beyond the next: changes are missing, nothing changed. */
        GAP
    }

    private final PrefixIndex<IpRecordSid, Resolution> index = new PrefixIndex<>();
    /** The record each mapping maps: what a write of this client is checked against. */
    private final Map<SourceIpMappingSid, IpRecordSid> recordOf = new HashMap<>();
    private volatile long seq;

    /**
     * A snapshot: the account's resolutions as of change {@code seq} (0 before any change), loaded as one write.
     *
     * @throws IllegalArgumentException when {@code seq} is negative or two resolutions name one IP record
     */
    public ReplicaIndex(long seq, Collection<Resolution> resolutions) {
        if (seq < 0) {
            throw new IllegalArgumentException("a snapshot's change number is at least 0, got " + seq);
        }
        List<PrefixIndex.Entry<IpRecordSid, Resolution>> entries = new ArrayList<>(resolutions.size());
        for (Resolution r : resolutions) {
            recordOf.put(r.mappingSid(), r.ipRecordSid());
            entries.add(new PrefixIndex.Entry<>(r.ipRecordSid(), r.prefix(), r));
        }
        index.putAll(entries);
        if (recordOf.size() != entries.size() || index.size() != entries.size()) {
            throw new IllegalArgumentException("a mapping or an IP record is in the snapshot twice");
        }
        this.seq = seq;
    }

    /** Applies {@code change} if next in sequence; a mapping resolves to its {@link Change#ipRecordPrefix()}. */
    public Outcome apply(Change change) {
        if (change.seq() <= seq) {
            return Outcome.ALREADY_SEEN;
        }
        if (change.seq() != seq + 1) {
            return Outcome.GAP;
        }
        if (!change.kind().ofIpRecord()) {
            SourceIpMapping mapping = change.mapping();
            IpRecordSid record = mapping.ipRecordSid();
            if (change.kind() == Change.Kind.SOURCE_IP_MAPPING_DELETED) {
                recordOf.remove(mapping.sid());
                Resolution current = index.get(record);
                // a record's mapping deleted after the record was mapped again holds the newer mapping: keep it
                if (current != null && current.mappingSid().equals(mapping.sid())) {
                    index.remove(record);
                }
            } else {
                recordOf.put(mapping.sid(), record);
                index.put(record, change.ipRecordPrefix(), new Resolution(mapping.sipDomainSid(), mapping.sid(),
                        record, change.ipRecordPrefix()));
            }
        }
        seq = change.seq();
        return Outcome.APPLIED;
    }

    /** The winner for the IPv4 {@code address} (its 32 bits), or null when no mapped record contains it. */
    public Resolution lookup(int address) {
        return index.lookup(address);
    }

    /** The winner for {@code address}, of either family, or null when no mapped record contains it. */
    public Resolution lookup(IpAddress address) {
        return index.lookup(address);
    }

    /** What the mapping resolves to, as far as this index knows; empty when it holds no such mapping. */
    public Optional<Resolution> ofMapping(SourceIpMappingSid mapping) {
        return Optional.ofNullable(recordOf.get(mapping)).map(index::get);
    }

    /** The number of the last change reflected: the snapshot's, then that of each change applied. */
    public long seq() {
        return seq;
    }

    /** How many mapped IP records it holds. */
    public int size() {
        return index.size();
    }
}

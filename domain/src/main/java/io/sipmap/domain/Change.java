package io.sipmap.domain;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One numbered change of an account's IP records and source IP mappings: what the change feed carries. An account's
 * changes are numbered 1, 2, 3, ... without gaps, in the order their writes took effect, one sequence for both
 * resources; {@code seq} is that number.
 *
 * @param id             the change's number in its account's sequence, from 1, with its nonce if its store drew one
 * @param kind           what happened to which resource
 * @param resource       the resource after the change, or, for a deletion, as it was just before it: an
 *                       {@link IpRecord} for the {@code IP_RECORD_*} kinds, a {@link SourceIpMapping} for the others
 * @param ipRecordPrefix for the {@code SOURCE_IP_MAPPING_*} kinds, the mapped IP record's address as given and prefix
 *                       length, as the record was at the change, so that a follower needs no read of the record;
 *                       null for the {@code IP_RECORD_*} kinds, whose resource has them
 */
public record Change(ChangeId id, Kind kind, Object resource, IpPrefix ipRecordPrefix) {

    /** What happened, and to which of the two resources; {@link #wireName()} is its name on the wire. */
    public enum Kind {
        IP_RECORD_CREATED("ip_record.created"),
        IP_RECORD_UPDATED("ip_record.updated"),
        IP_RECORD_DELETED("ip_record.deleted"),
        SOURCE_IP_MAPPING_CREATED("source_ip_mapping.created"),
        SOURCE_IP_MAPPING_UPDATED("source_ip_mapping.updated"),
        SOURCE_IP_MAPPING_DELETED("source_ip_mapping.deleted");

        private final String wireName;

        Kind(String wireName) {
            this.wireName = wireName;
        }

        /** {@code ip_record.created} and so on: the resource's wire name, a dot, the past participle. */
        public String wireName() {
            return wireName;
        }

        /** Whether it is a change of an IP record (else of a source IP mapping). */
        public boolean ofIpRecord() {
            return ordinal() <= IP_RECORD_DELETED.ordinal();
        }

        /** The kind with that wire name; empty for no such name. */
        public static Optional<Kind> ofWireName(String name) {
            return Arrays.stream(values()).filter(kind -> kind.wireName.equals(name)).findFirst();
        }
    }

    public Change {
        if (id.seq() < 1) {
            throw new IllegalArgumentException("a change's number is at least 1, got " + id.seq());
        }
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(resource, "resource");
        if (kind.ofIpRecord() ? !(resource instanceof IpRecord) : !(resource instanceof SourceIpMapping)) {
            throw new IllegalArgumentException(kind.wireName() + " carries a "
                    + (kind.ofIpRecord() ? "IpRecord" : "SourceIpMapping") + ", got " + resource.getClass().getName());
        }
        if (kind.ofIpRecord() != (ipRecordPrefix == null)) {
            throw new IllegalArgumentException(kind.wireName() + (kind.ofIpRecord() ? " carries no" : " needs its")
                    + " IP record's prefix");
        }
    }

    /** The change's number, from 1. */
    public long seq() {
        return id.seq();
    }

    /** The account whose change it is. */
    public AccountSid account() {
        return resource instanceof IpRecord record ? record.accountSid() : ((SourceIpMapping) resource).accountSid();
    }

    /** The IP record, for the {@code IP_RECORD_*} kinds. */
    public IpRecord ipRecord() {
        return (IpRecord) resource;
    }

    /** The mapping, for the {@code SOURCE_IP_MAPPING_*} kinds. */
    public SourceIpMapping mapping() {
        return (SourceIpMapping) resource;
    }
}

package io.sipmap.domain;

import java.util.Objects;

/**
 * One numbered change of an account's IP records and source IP mappings: what the change feed carries. An account's
 * changes are numbered 1, 2, 3, ... without gaps, in the order their writes took effect, one sequence for both
 * resources; {@code seq} is that number.
 *
 * @param seq      the change's number in its account's sequence, from 1
 * @param kind     what happened to which resource
 * @param resource the resource after the change, or, for a deletion, as it was just before it: an {@link IpRecord}
 *                 for the {@code IP_RECORD_*} kinds, a {@link SourceIpMapping} for the others
 */
public record Change(long seq, Kind kind, Object resource) {

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
        public static java.util.Optional<Kind> ofWireName(String name) {
            for (Kind kind : values()) {
                if (kind.wireName.equals(name)) {
                    return java.util.Optional.of(kind);
                }
            }
            return java.util.Optional.empty();
        }
    }

    public Change {
        if (seq < 1) {
            throw new IllegalArgumentException("a change's number is at least 1, got " + seq);
        }
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(resource, "resource");
        if (kind.ofIpRecord() ? !(resource instanceof IpRecord) : !(resource instanceof SourceIpMapping)) {
            throw new IllegalArgumentException(kind.wireName() + " carries a "
                    + (kind.ofIpRecord() ? "IpRecord" : "SourceIpMapping") + ", got " + resource.getClass().getName());
        }
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

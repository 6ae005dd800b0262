package io.sipmap.domain;

import java.util.Objects;

/**
 * Where a source address belongs: the SIP domain that the most specific mapped IP record containing it maps to.
 *
 * <p>The rule: among an account's IP records that have a mapping, those whose prefix contains the address compete;
 * the longest prefix wins; between records with the same network and length, the smallest IP record SID (the oldest
 * record, as SIDs are time-ordered) wins. No record containing the address is an empty answer, not a failure.
 *
 * @param sipDomainSid the SIP domain the address resolves to
 * @param mappingSid   the source IP mapping that gave it
 * @param ipRecordSid  the IP record that mapping maps
 * @param prefix       that record's prefix as the record holds it, host bits included
 */
public record Resolution(SipDomainSid sipDomainSid, SourceIpMappingSid mappingSid, IpRecordSid ipRecordSid,
                         IpPrefix prefix) {

    public Resolution {
        Objects.requireNonNull(sipDomainSid, "sipDomainSid");
        Objects.requireNonNull(mappingSid, "mappingSid");
        Objects.requireNonNull(ipRecordSid, "ipRecordSid");
        Objects.requireNonNull(prefix, "prefix");
    }

    /**
     * What a mapping resolves to, for addresses its record wins.
     *
     * @throws IllegalArgumentException when the mapping does not map that record, or they belong to different accounts
     */
    public static Resolution of(SourceIpMapping mapping, IpRecord record) {
        if (!mapping.ipRecordSid().equals(record.sid()) || !mapping.accountSid().equals(record.accountSid())) {
            throw new IllegalArgumentException("Mapping " + mapping.sid() + " does not map IP record " + record.sid());
        }
        return new Resolution(mapping.sipDomainSid(), mapping.sid(), record.sid(), record.prefix());
    }

    /**
     * Whether this answer beats {@code other} for an address both prefixes contain: a longer prefix wins, and at equal
     * length the smaller IP record SID. The reference rule that indexes must agree with.
     */
    public boolean beats(Resolution other) {
        if (prefix.length() != other.prefix.length()) {
            return prefix.length() > other.prefix.length();
        }
        return ipRecordSid.compareTo(other.ipRecordSid) < 0;
    }
}

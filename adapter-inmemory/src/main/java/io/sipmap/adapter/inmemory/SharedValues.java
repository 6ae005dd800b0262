package io.sipmap.adapter.inmemory;

import io.sipmap.domain.IpRecord;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Equal values of one partition kept as one object, so that what the stores hold costs less memory: records and
 * mappings arrive parsed afresh, each with objects of its own, while many share a creation date (a bulk load, an IP
 * record and its mapping created in one second) and many mappings map to few SIP domains. Only memory is at stake:
 * every value returned equals the one given.
 *
 * <p>Kept apart from {@link InMemoryStores}'s lock and invariant code, which calls it under the partition's lock; not
 * thread-safe by itself.
 */
final class SharedValues {

    /** The SIP domains that mappings map to, one object each, with how many mappings use it. */
    private final Map<SipDomainSid, SharedDomain> domains = new HashMap<>();
    /** The last creation date kept. */
    private Instant lastCreated = Instant.EPOCH;

    private static final class SharedDomain {
        final SipDomainSid sid;
        int uses;

        SharedDomain(SipDomainSid sid) {
            this.sid = sid;
        }
    }

    /** The record as kept: its dates the object of the last creation date when equal. */
    IpRecord kept(IpRecord record) {
        Instant created = shareDate(record.dateCreated());
        Instant updated = record.dateUpdated().equals(created) ? created : record.dateUpdated();
        return created == record.dateCreated() && updated == record.dateUpdated() ? record
                : new IpRecord(record.accountSid(), record.sid(), record.friendlyName(), record.ipAddress(),
                        record.cidrPrefixLength(), created, updated);
    }

    /**
     * The mapping as kept: the creation date of its IP record when equal (else the last one kept when equal), the
     * shared object for its SIP domain, counted as used until {@link #release}d. Its IP record SID stays its own
     * object, not the record's: a list writes it for every mapping, and an object of the mapping's own is copied by
     * the collector beside the mapping's other fields, where the record's lies with the records, a cache miss per
     * mapping listed.
     */
    SourceIpMapping kept(SourceIpMapping mapping, IpRecord record) {
        SipDomainSid domain = share(mapping.sipDomainSid());
        Instant created = mapping.dateCreated().equals(record.dateCreated())
                ? record.dateCreated() : shareDate(mapping.dateCreated());
        Instant updated = mapping.dateUpdated().equals(created) ? created : mapping.dateUpdated();
        return new SourceIpMapping(mapping.accountSid(), mapping.sid(), mapping.ipRecordSid(), domain, created,
                updated);
    }

    /** Counts one use of the SIP domain less: a kept mapping left or no longer maps to it. */
    void release(SipDomainSid domain) {
        SharedDomain shared = domains.get(domain);
        if (shared != null && --shared.uses == 0) {
            domains.remove(domain);
        }
    }

    private Instant shareDate(Instant date) {
        if (date.equals(lastCreated)) {
            return lastCreated;
        }
        lastCreated = date;
        return date;
    }

    private SipDomainSid share(SipDomainSid domain) {
        SharedDomain shared = domains.computeIfAbsent(domain, d -> new SharedDomain(domain));
        shared.uses++;
        return shared.sid;
    }
}

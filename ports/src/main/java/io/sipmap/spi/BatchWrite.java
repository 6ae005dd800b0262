package io.sipmap.spi;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;

/**
 * One write of a batch as a {@link BatchStore} applies it: SIDs and times already chosen by the service, references
 * within the batch already resolved to SIDs. Each does what the single write of the same name on
 * {@link IpRecordStore} or {@link SourceIpMappingStore} does, and fails as it does.
 */
public sealed interface BatchWrite {

    /** As {@link IpRecordStore#insert}. */
    record InsertIpRecord(IpRecord record) implements BatchWrite {
        public InsertIpRecord {
            Objects.requireNonNull(record, "record");
        }
    }

    /** As {@link SourceIpMappingStore#insert}; the IP record may be one an earlier write of the batch inserts. */
    record InsertSourceIpMapping(SourceIpMapping mapping) implements BatchWrite {
        public InsertSourceIpMapping {
            Objects.requireNonNull(mapping, "mapping");
        }
    }

    /**
     * The stored record with the friendly name, updated at {@code at}, as {@link IpRecordStore#replace}.
     *
     * @param friendlyName the new name; null keeps the stored one (date_updated still moves, as a single update does)
     */
    record RenameIpRecord(IpRecordSid sid, String friendlyName, Instant at) implements BatchWrite {
        public RenameIpRecord {
            Objects.requireNonNull(sid, "sid");
            IpRecord.checkFriendlyName(friendlyName);
            at = Objects.requireNonNull(at, "at").truncatedTo(ChronoUnit.SECONDS);
        }
    }

    /** The stored mapping moved to the SIP domain, updated at {@code at}, as {@link SourceIpMappingStore#replace}. */
    record RemapSourceIpMapping(SourceIpMappingSid sid, SipDomainSid sipDomainSid, Instant at) implements BatchWrite {
        public RemapSourceIpMapping {
            Objects.requireNonNull(sid, "sid");
            Objects.requireNonNull(sipDomainSid, "sipDomainSid");
            at = Objects.requireNonNull(at, "at").truncatedTo(ChronoUnit.SECONDS);
        }
    }

    /** As {@link SourceIpMappingStore#delete}. */
    record DeleteSourceIpMapping(SourceIpMappingSid sid) implements BatchWrite {
        public DeleteSourceIpMapping {
            Objects.requireNonNull(sid, "sid");
        }
    }

    /** As {@link IpRecordStore#delete}. */
    record DeleteIpRecord(IpRecordSid sid) implements BatchWrite {
        public DeleteIpRecord {
            Objects.requireNonNull(sid, "sid");
        }
    }

    /**
     * Checks that every insert's resource belongs to {@code account}: a batch writes one account only.
     *
     * @throws IllegalArgumentException when one does not
     */
    static void requireOfAccount(List<BatchWrite> writes, AccountSid account) {
        for (BatchWrite write : writes) {
            AccountSid of = write instanceof InsertIpRecord insert ? insert.record().accountSid()
                    : write instanceof InsertSourceIpMapping insert ? insert.mapping().accountSid()
                    : null; // not an insert: of the account it is applied to
            if (of != null && !of.equals(account)) {
                throw new IllegalArgumentException("A batch writes one account's resources only");
            }
        }
    }
}

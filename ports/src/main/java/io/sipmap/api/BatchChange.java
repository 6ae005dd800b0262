package io.sipmap.api;

import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMappingSid;
import java.util.Objects;

/**
 * One change of a {@link Batch}: what one Twilio write does, with the IP record of a new mapping named either by its
 * SID or by the {@code ref} of a record the same batch creates earlier. Each is named after its operation on the wire
 * ({@link #op()}). Values are checked when made, so that an invalid change never becomes one.
 */
public sealed interface BatchChange {

    /** The change's name on the wire: {@code create_ip_record} and so on. */
    String op();

    /**
     * {@code create_ip_record}: as {@link IpRecords#create}.
     *
     * @param ref     a name later changes of the batch use for the new record, unique in its batch; null for none
     * @param command the record to create
     */
    record CreateIpRecordChange(String ref, CreateIpRecord command) implements BatchChange {
        /** The longest {@code ref}, in characters. */
        public static final int MAX_REF_LENGTH = 64;

        public CreateIpRecordChange {
            Objects.requireNonNull(command, "command");
            if (ref != null && (ref.isEmpty() || ref.length() > MAX_REF_LENGTH)) {
                throw new SipmapException.InvalidParameter("ref", "Invalid ref: expected 1 to " + MAX_REF_LENGTH
                        + " characters, got " + ref.length());
            }
        }

        @Override
        public String op() {
            return "create_ip_record";
        }
    }

    /**
     * {@code create_source_ip_mapping}: as {@link SourceIpMappings#create}, for a stored IP record or one this batch
     * creates before.
     *
     * @param ipRecordSid  the stored record's SID, or null when {@code ipRecordRef} names it
     * @param ipRecordRef  the {@code ref} of an earlier {@link CreateIpRecordChange} of the batch, or null
     * @param sipDomainSid the SIP domain
     */
    record CreateSourceIpMappingChange(IpRecordSid ipRecordSid, String ipRecordRef, SipDomainSid sipDomainSid)
            implements BatchChange {
        /** @throws SipmapException.InvalidParameter naming {@code ip_record} unless exactly one of SID and ref is given */
        public CreateSourceIpMappingChange {
            if ((ipRecordSid == null) == (ipRecordRef == null)) {
                throw new SipmapException.InvalidParameter("ip_record",
                        "Invalid ip_record: expected an IP record SID or the ref of a record this batch creates");
            }
            Objects.requireNonNull(sipDomainSid, "sipDomainSid");
        }

        @Override
        public String op() {
            return "create_source_ip_mapping";
        }
    }

    /** {@code update_ip_record}: as {@link IpRecords#update}. */
    record UpdateIpRecordChange(IpRecordSid sid, UpdateIpRecord command) implements BatchChange {
        public UpdateIpRecordChange {
            Objects.requireNonNull(sid, "sid");
            Objects.requireNonNull(command, "command");
        }

        @Override
        public String op() {
            return "update_ip_record";
        }
    }

    /** {@code update_source_ip_mapping}: as {@link SourceIpMappings#update}. */
    record UpdateSourceIpMappingChange(SourceIpMappingSid sid, SipDomainSid sipDomainSid) implements BatchChange {
        public UpdateSourceIpMappingChange {
            Objects.requireNonNull(sid, "sid");
            Objects.requireNonNull(sipDomainSid, "sipDomainSid");
        }

        @Override
        public String op() {
            return "update_source_ip_mapping";
        }
    }

    /** {@code delete_source_ip_mapping}: as {@link SourceIpMappings#delete}. */
    record DeleteSourceIpMappingChange(SourceIpMappingSid sid) implements BatchChange {
        public DeleteSourceIpMappingChange {
            Objects.requireNonNull(sid, "sid");
        }

        @Override
        public String op() {
            return "delete_source_ip_mapping";
        }
    }

    /** {@code delete_ip_record}: as {@link IpRecords#delete}; refused while a mapping maps the record. */
    record DeleteIpRecordChange(IpRecordSid sid) implements BatchChange {
        public DeleteIpRecordChange {
            Objects.requireNonNull(sid, "sid");
        }

        @Override
        public String op() {
            return "delete_ip_record";
        }
    }
}

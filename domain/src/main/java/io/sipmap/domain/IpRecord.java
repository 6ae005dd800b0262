package io.sipmap.domain;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * An IP record: an IPv4 or IPv6 address or network of one account, which a {@link SourceIpMapping} can map to a SIP domain.
 * Immutable; times are truncated to whole seconds, as the wire carries them.
 *
 * @param accountSid       the account that owns it
 * @param sid              its SID
 * @param friendlyName     a label of at most 255 characters, or null
 * @param ipAddress        the address as given, host bits included
 * @param cidrPrefixLength 1..32 for IPv4, 1..128 for IPv6; the record covers {@code ipAddress/cidrPrefixLength}
 * @param dateCreated      when it was created
 * @param dateUpdated      when it was last changed
 */
public record IpRecord(AccountSid accountSid, IpRecordSid sid, String friendlyName, IpAddress ipAddress,
                       int cidrPrefixLength, Instant dateCreated, Instant dateUpdated) {

    /** The longest friendly name accepted, in characters (code points). */
    public static final int MAX_FRIENDLY_NAME_LENGTH = 255;

    public IpRecord {
        Objects.requireNonNull(accountSid, "accountSid");
        Objects.requireNonNull(sid, "sid");
        checkFriendlyName(friendlyName);
        Objects.requireNonNull(ipAddress, "ipAddress");
        IpPrefix.checkLength(cidrPrefixLength, ipAddress);
        dateCreated = Objects.requireNonNull(dateCreated, "dateCreated").truncatedTo(ChronoUnit.SECONDS);
        dateUpdated = Objects.requireNonNull(dateUpdated, "dateUpdated").truncatedTo(ChronoUnit.SECONDS);
        if (dateUpdated.equals(dateCreated)) {
            dateUpdated = dateCreated; // one object for both, as they usually are on create: one Instant less to keep
        }
    }

    /**
     * Checks a friendly name: null, or at most 255 characters.
     *
     * @return the name
     * @throws SipmapException.InvalidParameter naming {@code FriendlyName} when it is longer
     */
    public static String checkFriendlyName(String friendlyName) {
        if (friendlyName != null
                && friendlyName.codePointCount(0, friendlyName.length()) > MAX_FRIENDLY_NAME_LENGTH) {
            throw new SipmapException.InvalidParameter("FriendlyName",
                    "Invalid FriendlyName: at most " + MAX_FRIENDLY_NAME_LENGTH + " characters allowed, got "
                            + friendlyName.codePointCount(0, friendlyName.length()));
        }
        return friendlyName;
    }

    /** The network this record covers. */
    public IpPrefix prefix() {
        return new IpPrefix(ipAddress, cidrPrefixLength);
    }

    /** A copy with another friendly name, updated at {@code now}. */
    public IpRecord withFriendlyName(String name, Instant now) {
        return new IpRecord(accountSid, sid, name, ipAddress, cidrPrefixLength, dateCreated, now);
    }
}

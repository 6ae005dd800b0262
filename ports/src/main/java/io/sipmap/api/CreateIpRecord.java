package io.sipmap.api;

import io.sipmap.domain.IpRecord;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Ipv4Prefix;
import java.util.Objects;

/**
 * Create an IP record.
 *
 * @param ipAddress        the address, host bits allowed
 * @param friendlyName     at most 255 characters, or null
 * @param cidrPrefixLength 1..32, or 0 meaning the whole address: the command then holds 32, as the record will
 */
public record CreateIpRecord(Ipv4Address ipAddress, String friendlyName, int cidrPrefixLength) {

    /**
     * @throws io.sipmap.domain.SipmapException.InvalidParameter when a field is invalid, naming it; a prefix length is
     *         invalid outside 0..32 ({@link Ipv4Prefix#requestedLength})
     */
    public CreateIpRecord {
        Objects.requireNonNull(ipAddress, "ipAddress");
        IpRecord.checkFriendlyName(friendlyName);
        cidrPrefixLength = Ipv4Prefix.requestedLength(cidrPrefixLength);
    }

    /** A single address (/32) without a friendly name. */
    public static CreateIpRecord of(String ipAddress) {
        return new CreateIpRecord(Ipv4Address.parse(ipAddress), null, IpRecord.DEFAULT_CIDR_PREFIX_LENGTH);
    }

    /** A copy with a friendly name. */
    public CreateIpRecord withFriendlyName(String name) {
        return new CreateIpRecord(ipAddress, name, cidrPrefixLength);
    }

    /** A copy with a prefix length: 1..32, or 0 meaning 32. */
    public CreateIpRecord withCidrPrefixLength(int length) {
        return new CreateIpRecord(ipAddress, friendlyName, length);
    }
}

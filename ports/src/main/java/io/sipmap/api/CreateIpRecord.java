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
 * @param cidrPrefixLength 1..32
 */
public record CreateIpRecord(Ipv4Address ipAddress, String friendlyName, int cidrPrefixLength) {

    /** @throws io.sipmap.domain.SipmapException.InvalidParameter when a field is invalid, naming it */
    public CreateIpRecord {
        Objects.requireNonNull(ipAddress, "ipAddress");
        IpRecord.checkFriendlyName(friendlyName);
        Ipv4Prefix.checkLength(cidrPrefixLength);
    }

    /** A single address (/32) without a friendly name. */
    public static CreateIpRecord of(String ipAddress) {
        return new CreateIpRecord(Ipv4Address.parse(ipAddress), null, IpRecord.DEFAULT_CIDR_PREFIX_LENGTH);
    }

    /** A copy with a friendly name. */
    public CreateIpRecord withFriendlyName(String name) {
        return new CreateIpRecord(ipAddress, name, cidrPrefixLength);
    }

    /** A copy with a prefix length. */
    public CreateIpRecord withCidrPrefixLength(int length) {
        return new CreateIpRecord(ipAddress, friendlyName, length);
    }
}

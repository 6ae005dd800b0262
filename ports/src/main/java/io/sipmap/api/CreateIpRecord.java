package io.sipmap.api;

import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.IpPrefix;
import java.util.Objects;

/**
 * Create an IP record.
 *
 * @param ipAddress        the address, IPv4 or IPv6, host bits allowed
 * @param friendlyName     at most 255 characters, or null
 * @param cidrPrefixLength 1..32 (IPv6: 1..128), or 0 meaning the whole address: the command then holds 32 (128), as
 *                         the record will
 */
public record CreateIpRecord(IpAddress ipAddress, String friendlyName, int cidrPrefixLength) {

    /**
     * @throws io.sipmap.domain.SipmapException.InvalidParameter when a field is invalid, naming it; a prefix length is
     *         invalid outside 0..32, 0..128 for IPv6 ({@link IpPrefix#requestedLength})
     */
    public CreateIpRecord {
        Objects.requireNonNull(ipAddress, "ipAddress");
        IpRecord.checkFriendlyName(friendlyName);
        cidrPrefixLength = IpPrefix.requestedLength(cidrPrefixLength, ipAddress);
    }

    /** A single address (/32, IPv6 /128) without a friendly name. */
    public static CreateIpRecord of(String ipAddress) {
        return new CreateIpRecord(IpAddress.parse(ipAddress), null, 0);
    }

    /** A copy with a friendly name. */
    public CreateIpRecord withFriendlyName(String name) {
        return new CreateIpRecord(ipAddress, name, cidrPrefixLength);
    }

    /** A copy with a prefix length: 1..32 (1..128), or 0 meaning the whole address. */
    public CreateIpRecord withCidrPrefixLength(int length) {
        return new CreateIpRecord(ipAddress, friendlyName, length);
    }
}

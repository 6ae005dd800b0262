package io.sipmap.domain;

import java.util.Objects;

/**
 * An IP address with a CIDR prefix length, as an IP record holds it. The address is kept as given, host bits and all
 * (192.168.0.5/24 stays 192.168.0.5), and the prefix covers its network (192.168.0.0/24).
 *
 * @param address the address as given, IPv4 or IPv6
 * @param length  the prefix length, 1..32 for IPv4, 1..128 for IPv6
 */
public record IpPrefix(IpAddress address, int length) {

    public static final int MIN_LENGTH = 1;

    /**
     * @throws SipmapException.InvalidParameter naming {@code CidrPrefixLength} when the length is outside 1..the
     *                                          address's bits
     */
    public IpPrefix {
        Objects.requireNonNull(address, "address");
        checkLength(length, address);
    }

    /**
     * @return {@code length}
     * @throws SipmapException.InvalidParameter naming {@code CidrPrefixLength} when the length is outside 1..32 for an
     *                                          IPv4 address, 1..128 for an IPv6 one
     */
    public static int checkLength(int length, IpAddress address) {
        if (length < MIN_LENGTH || length > address.bitLength()) {
            throw new SipmapException.InvalidParameter("CidrPrefixLength",
                    "Invalid CidrPrefixLength: expected an integer from 1 to " + address.bitLength() + ", got " + length);
        }
        return length;
    }

    /**
     * A prefix length as a client asks for it: 1..32 for IPv4 (1..128 for IPv6), or 0 meaning the whole address, 32
     * (128). Twilio stores 0 as /32 and clients such as Twilio's Terraform provider send 0 by default, so 0 is taken,
     * not refused; a record holds, and reads back, 32 (128).
     *
     * @return the length a record holds
     * @throws SipmapException.InvalidParameter naming {@code CidrPrefixLength} when the length is outside 0..32 (0..128)
     */
    public static int requestedLength(int length, IpAddress address) {
        int bits = address.bitLength();
        if (length == 0) {
            return bits;
        }
        if (length < MIN_LENGTH || length > bits) {
            throw outOfRange(bits, Integer.toString(length));
        }
        return length;
    }

    /**
     * Parses a prefix length as it arrives on the wire for {@code address}: a decimal integer 0..32 (0..128), 0 meaning
     * the whole address (see {@link #requestedLength}); null meaning absent, the whole address too.
     *
     * @return the length a record holds
     * @throws SipmapException.InvalidParameter naming {@code CidrPrefixLength} otherwise
     */
    public static int parseLength(String text, IpAddress address) {
        if (text == null) {
            return address.bitLength();
        }
        if (text.isEmpty() || text.length() > 3 || !text.chars().allMatch(c -> c >= '0' && c <= '9')
                || (address.bitLength() == 32 && text.length() > 2)) {
            throw outOfRange(address.bitLength(), "'" + (text.length() > 40 ? text.substring(0, 40) : text) + "'");
        }
        return requestedLength(Integer.parseInt(text), address);
    }

    private static SipmapException.InvalidParameter outOfRange(int bits, String got) {
        return new SipmapException.InvalidParameter("CidrPrefixLength", "Invalid CidrPrefixLength: expected an integer"
                + " from 0 to " + bits + " (0 meaning " + bits + "), got " + got);
    }

    /** The network mask of an IPv4 prefix length 0..32 as 32 bits (0 for 0, all ones for 32). */
    public static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    /** The mask of the top 64 bits of an IPv6 prefix length 0..128. */
    public static long highMask(int length) {
        return length == 0 ? 0 : length >= 64 ? -1L : -1L << (64 - length);
    }

    /** The mask of the bottom 64 bits of an IPv6 prefix length 0..128. */
    public static long lowMask(int length) {
        return length <= 64 ? 0 : -1L << (128 - length);
    }

    /** The network address: the given address with its host bits cleared. */
    public IpAddress network() {
        if (address instanceof Ipv4Address v4) {
            return new Ipv4Address(v4.bits() & mask(length));
        }
        Ipv6Address v6 = (Ipv6Address) address;
        return new Ipv6Address(v6.high() & highMask(length), v6.low() & lowMask(length));
    }

    /** Whether {@code other} lies in this prefix's network (never when of the other family). */
    public boolean contains(IpAddress other) {
        if (address instanceof Ipv4Address v4) {
            return other instanceof Ipv4Address o && ((o.bits() ^ v4.bits()) & mask(length)) == 0;
        }
        Ipv6Address v6 = (Ipv6Address) address;
        return other instanceof Ipv6Address o && ((o.high() ^ v6.high()) & highMask(length)) == 0
                && ((o.low() ^ v6.low()) & lowMask(length)) == 0;
    }

    /** {@code address/length}, with the address as given. */
    @Override
    public String toString() {
        return address + "/" + length;
    }
}

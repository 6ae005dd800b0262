package io.sipmap.domain;

import java.util.Objects;

/**
 * An IPv4 address with a CIDR prefix length, as an IP record holds it. The address is kept as given, host bits and
 * all (192.168.0.5/24 stays 192.168.0.5), and the prefix covers its network (192.168.0.0/24).
 *
 * @param address the address as given
 * @param length  the prefix length, 1..32
 */
public record Ipv4Prefix(Ipv4Address address, int length) {

    public static final int MIN_LENGTH = 1;
    public static final int MAX_LENGTH = 32;

    /** @throws SipmapException.InvalidParameter naming {@code CidrPrefixLength} when the length is outside 1..32 */
    public Ipv4Prefix {
        Objects.requireNonNull(address, "address");
        checkLength(length);
    }

    /** @throws SipmapException.InvalidParameter naming {@code CidrPrefixLength} when the length is outside 1..32 */
    public static int checkLength(int length) {
        if (length < MIN_LENGTH || length > MAX_LENGTH) {
            throw new SipmapException.InvalidParameter("CidrPrefixLength",
                    "Invalid CidrPrefixLength: expected an integer from 1 to 32, got " + length);
        }
        return length;
    }

    /**
     * A prefix length as a client asks for it: 1..32, or 0 meaning the whole address, which is 32. Twilio stores 0 as
     * /32 and clients such as Twilio's Terraform provider send 0 by default, so 0 is taken, not refused; a record
     * holds, and reads back, 32.
     *
     * @return the length a record holds, 1..32
     * @throws SipmapException.InvalidParameter naming {@code CidrPrefixLength} when the length is outside 0..32
     */
    public static int requestedLength(int length) {
        if (length == 0) {
            return MAX_LENGTH;
        }
        if (length < MIN_LENGTH || length > MAX_LENGTH) {
            throw new SipmapException.InvalidParameter("CidrPrefixLength",
                    "Invalid CidrPrefixLength: expected an integer from 0 to 32 (0 meaning 32), got " + length);
        }
        return length;
    }

    /**
     * Parses a prefix length as it arrives on the wire: a decimal integer 0..32, 0 meaning 32 (see
     * {@link #requestedLength}).
     *
     * @return the length a record holds, 1..32
     * @throws SipmapException.InvalidParameter naming {@code CidrPrefixLength} otherwise
     */
    public static int parseLength(String text) {
        if (text == null || text.isEmpty() || text.length() > 2 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new SipmapException.InvalidParameter("CidrPrefixLength",
                    "Invalid CidrPrefixLength: expected an integer from 0 to 32 (0 meaning 32), got "
                            + (text == null ? "nothing" : "'" + (text.length() > 40 ? text.substring(0, 40) : text) + "'"));
        }
        return requestedLength(Integer.parseInt(text));
    }

    /** The network mask of a prefix length 0..32 as 32 bits (0 for 0, all ones for 32). */
    public static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    /** The network address: the given address with its host bits cleared. */
    public Ipv4Address network() {
        return new Ipv4Address(address.bits() & mask(length));
    }

    /** Whether {@code other} lies in this prefix's network. */
    public boolean contains(Ipv4Address other) {
        int mask = mask(length);
        return (other.bits() & mask) == (address.bits() & mask);
    }

    /** {@code address/length}, with the address as given. */
    @Override
    public String toString() {
        return address + "/" + length;
    }
}

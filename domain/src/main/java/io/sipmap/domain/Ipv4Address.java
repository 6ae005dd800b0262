package io.sipmap.domain;

/**
 * An IPv4 address, held as its 32 bits in an {@code int}.
 *
 * <p>{@link #parse} is strict, as the wire contract asks: four decimal octets 0..255 separated by dots, no leading
 * zeros (they read as octal elsewhere), no signs, spaces or other characters. It reads IPv4 only, as Twilio does;
 * {@link IpAddress#parse} reads IPv6 too.
 */
public record Ipv4Address(int bits) implements IpAddress {

    @Override
    public int bitLength() {
        return 32;
    }

    /**
     * Parses strict dotted decimal.
     *
     * @param parameter the name to give in the error, for example {@code IpAddress}
     * @throws SipmapException.InvalidParameter naming {@code parameter} when the text is not strict dotted decimal
     */
    public static Ipv4Address parse(String text, String parameter) {
        long bits = parseBits(text);
        if (bits == INVALID) {
            throw new SipmapException.InvalidParameter(parameter,
                    "Invalid " + parameter + ": expected an IPv4 address in dotted decimal, such as 192.0.2.10, got "
                            + (text == null ? "nothing" : "'" + abbreviate(text) + "'"));
        }
        return new Ipv4Address((int) bits);
    }

    /** Parses strict dotted decimal, naming {@code IpAddress} in the error. */
    public static Ipv4Address parse(String text) {
        return parse(text, "IpAddress");
    }

    /** What {@link #parseBits} returns for text that is not strict dotted decimal: outside every address's range. */
    private static final long INVALID = -1L;

    /** The 32 bits as a non-negative long, or {@link #INVALID}; allocates nothing. */
    private static long parseBits(String text) {
        if (text == null || text.length() < 7 || text.length() > 15) {
            return INVALID;
        }
        long bits = 0;
        int octets = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            int start = i;
            int value = 0;
            while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                value = value * 10 + (text.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || digits > 3 || value > 255 || (digits > 1 && text.charAt(start) == '0')) {
                return INVALID;
            }
            bits = (bits << 8) | value;
            octets++;
            if (i < n) {
                if (text.charAt(i) != '.' || octets == 4) {
                    return INVALID;
                }
                i++;
                if (i == n) {
                    return INVALID;
                }
            }
        }
        return octets == 4 ? bits : INVALID;
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "..." : text;
    }

    /** Dotted decimal, as parsed. */
    @Override
    public String toString() {
        return (bits >>> 24) + "." + ((bits >>> 16) & 0xff) + "." + ((bits >>> 8) & 0xff) + "." + (bits & 0xff);
    }
}

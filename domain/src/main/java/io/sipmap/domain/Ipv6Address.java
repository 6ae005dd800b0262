package io.sipmap.domain;

/**
 * An IPv6 address, held as its 128 bits in two {@code long}s: {@code high} the first 64, {@code low} the last 64.
 *
 * <p>{@link #parse} reads every text form of RFC 4291 section 2.2: eight groups of one to four hex digits, either
 * case; one {@code ::} standing for one or more groups of zeros; the last 32 bits as dotted decimal (strict, as
 * {@link Ipv4Address#parse}). {@link #toString} writes the canonical form of RFC 5952: lower case, no leading zeros,
 * the longest run of two or more zero groups (the first of equal runs) as {@code ::}.
 */
public record Ipv6Address(long high, long low) implements IpAddress {

    /** The prefix of IPv4-mapped addresses, {@code ::ffff:0:0/96}, as the top 96 bits: high 0, low's top 32. */
    private static final long MAPPED_LOW = 0x0000ffff_00000000L;

    @Override
    public int bitLength() {
        return 128;
    }

    /**
     * Parses an IPv6 address. An IPv4-mapped one is refused here, since it is an IPv4 address: {@link IpAddress#parse}
     * reads it as one.
     *
     * @throws SipmapException.InvalidParameter naming {@code parameter} when the text is not an IPv6 address
     */
    public static Ipv6Address parse(String text, String parameter) {
        IpAddress address = parseEither(text, parameter);
        if (address instanceof Ipv6Address v6) {
            return v6;
        }
        throw new SipmapException.InvalidParameter(parameter, "Invalid " + parameter + ": " + IpAddress.quoted(text)
                + " is an IPv4-mapped address, the IPv4 address " + address);
    }

    /** An IPv6 text, or an IPv4-mapped one as its {@link Ipv4Address}. */
    static IpAddress parseEither(String text, String parameter) {
        if (text != null) {
            int percent = text.indexOf('%');
            if (percent >= 0) {
                throw new SipmapException.InvalidParameter(parameter, "Invalid " + parameter
                        + ": an IPv6 zone id (the '%" + IpAddress.quoted(text.substring(percent + 1)).replace("'", "")
                        + "' of " + IpAddress.quoted(text) + ") names a link of one host and means nothing here;"
                        + " give the address without it");
            }
            long[] bits = bits(text);
            if (bits != null) {
                if (bits[0] == 0 && (bits[1] & 0xffffffff_00000000L) == MAPPED_LOW) {
                    return new Ipv4Address((int) bits[1]);
                }
                return new Ipv6Address(bits[0], bits[1]);
            }
        }
        throw new SipmapException.InvalidParameter(parameter, "Invalid " + parameter
                + ": expected an IPv6 address such as 2001:db8::10 (RFC 4291 text), got " + IpAddress.quoted(text));
    }

    /** The 128 bits of RFC 4291 text, or null when it is not such text. */
    private static long[] bits(String text) {
        int n = text.length();
        if (n < 2 || n > 45) {
            return null;
        }
        int[] groups = new int[8];
        int count = 0;
        int gap = -1; // the group index where :: stands
        int i = 0;
        if (text.startsWith("::")) {
            gap = 0;
            i = 2;
            if (i == n) {
                return new long[] {0, 0};
            }
        } else if (text.charAt(0) == ':') {
            return null;
        }
        while (i < n) {
            int start = i;
            int value = 0;
            while (i < n && i - start < 5 && Character.digit(text.charAt(i), 16) >= 0 && text.charAt(i) < 128) {
                value = value * 16 + Character.digit(text.charAt(i), 16);
                i++;
            }
            if (i < n && text.charAt(i) == '.') {
                // the last 32 bits in dotted decimal
                if (count > 6) {
                    return null;
                }
                Ipv4Address v4;
                try {
                    v4 = Ipv4Address.parse(text.substring(start), "IpAddress");
                } catch (SipmapException.InvalidParameter e) {
                    return null;
                }
                groups[count++] = v4.bits() >>> 16;
                groups[count++] = v4.bits() & 0xffff;
                i = n;
                break;
            }
            int digits = i - start;
            if (digits == 0 || digits > 4 || count == 8) {
                return null;
            }
            groups[count++] = value;
            if (i == n) {
                break;
            }
            if (text.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < n && text.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = count;
                i++;
                if (i == n) {
                    break;
                }
            } else if (i == n) {
                return null; // a trailing single colon
            }
        }
        if (gap < 0 ? count != 8 : count > 7) {
            return null;
        }
        int[] full = new int[8];
        if (gap < 0) {
            full = groups;
        } else {
            System.arraycopy(groups, 0, full, 0, gap);
            System.arraycopy(groups, gap, full, 8 - (count - gap), count - gap);
        }
        long high = 0;
        long low = 0;
        for (int g = 0; g < 4; g++) {
            high = (high << 16) | full[g];
            low = (low << 16) | full[g + 4];
        }
        return new long[] {high, low};
    }

    /** The 16-bit group {@code g}, 0..7. */
    public int group(int g) {
        long half = g < 4 ? high : low;
        return (int) (half >>> (48 - 16 * (g & 3))) & 0xffff;
    }

    /** The canonical text of RFC 5952 section 4. */
    @Override
    public String toString() {
        int bestStart = -1;
        int bestLength = 1; // a run must be two groups or more
        for (int g = 0; g < 8; ) {
            if (group(g) != 0) {
                g++;
                continue;
            }
            int start = g;
            while (g < 8 && group(g) == 0) {
                g++;
            }
            if (g - start > bestLength) {
                bestStart = start;
                bestLength = g - start;
            }
        }
        StringBuilder text = new StringBuilder(39);
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                text.append("::");
                g += bestLength - 1;
                continue;
            }
            if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(group(g)));
        }
        return text.toString();
    }
}

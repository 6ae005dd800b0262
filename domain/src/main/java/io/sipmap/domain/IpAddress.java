package io.sipmap.domain;

/**
 * An IP record's or a source's address: IPv4 ({@link Ipv4Address}) or IPv6 ({@link Ipv6Address}).
 *
 * <p>Twilio's IP records take IPv4 only; IPv6 is sipmap's extension. {@link #parse} reads both: strict dotted decimal
 * for IPv4, every text form RFC 4291 allows for IPv6 (compressed, upper case, a trailing dotted-decimal IPv4 part).
 * Answers always carry the RFC 5952 canonical text ({@link Ipv6Address#toString}). Text without a colon is read, and
 * refused, exactly as {@link Ipv4Address#parse} reads it.
 *
 * <p>An IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.1}, RFC 4291 section 2.5.5.2) is the IPv4 address it names:
 * it parses to that {@link Ipv4Address}, so a record given either spelling holds the IPv4 address (with an IPv4 prefix
 * length, 1..32) and a source given either spelling resolves alike. A dual-stack socket reports IPv4 peers in that
 * spelling; they are the same sources. Zone ids ({@code fe80::1%eth0}) are refused: a zone names a link of one host
 * and means nothing to a server.
 */
public sealed interface IpAddress extends Comparable<IpAddress> permits Ipv4Address, Ipv6Address {

    /** The number of bits: 32 or 128. A prefix length is 1..that. */
    int bitLength();

    /** Whether it is an IPv6 address (an IPv4-mapped one never is: it parses to IPv4). */
    default boolean isIpv6() {
        return this instanceof Ipv6Address;
    }

    /**
     * Parses an IPv4 or an IPv6 address (see the class comment).
     *
     * @param parameter the name to give in the error, for example {@code IpAddress}
     * @throws SipmapException.InvalidParameter naming {@code parameter} when the text is neither
     */
    static IpAddress parse(String text, String parameter) {
        if (text != null && text.indexOf(':') >= 0) {
            return Ipv6Address.parseEither(text, parameter);
        }
        // text without a colon can only be IPv4: refused, it gets the very message it got before IPv6 was taken
        return Ipv4Address.parse(text, parameter);
    }

    /** {@link #parse(String, String)} naming {@code IpAddress}. */
    static IpAddress parse(String text) {
        return parse(text, "IpAddress");
    }

    /** The text in quotes, cut at 40 characters, or {@code nothing}: how errors show what they were given. */
    static String quoted(String text) {
        return text == null ? "nothing" : "'" + (text.length() > 40 ? text.substring(0, 40) + "..." : text) + "'";
    }

    /** IPv4 before IPv6, then by value as an unsigned number. */
    @Override
    default int compareTo(IpAddress other) {
        if (this instanceof Ipv4Address a && other instanceof Ipv4Address b) {
            return Integer.compareUnsigned(a.bits(), b.bits());
        }
        if (this instanceof Ipv6Address a && other instanceof Ipv6Address b) {
            int high = Long.compareUnsigned(a.high(), b.high());
            return high != 0 ? high : Long.compareUnsigned(a.low(), b.low());
        }
        return this instanceof Ipv4Address ? -1 : 1;
    }
}

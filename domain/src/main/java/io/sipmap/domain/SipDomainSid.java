package io.sipmap.domain;

/**
 * The SID of a SIP domain ({@code SD...}), held as the number its 32 digits spell ({@link Sid}).
 *
 * @param high the first 16 digits
 * @param low  the last 16 digits
 */
public record SipDomainSid(long high, long low) implements Sid, Comparable<SipDomainSid> {

    public static final String PREFIX = "SD";

    /**
     * Reads a SID in either case.
     *
     * @throws SipmapException.InvalidParameter naming {@code SipDomainSid} when {@code value} is not a well-formed SID
     */
    public SipDomainSid(String value) {
        this(SidDigits.high(PREFIX, value, "SipDomainSid"), SidDigits.low(value));
    }

    /**
     * Parses a SID that arrived under another parameter name.
     *
     * @throws SipmapException.InvalidParameter naming {@code parameter} when {@code value} is not well formed
     */
    public static SipDomainSid parse(String value, String parameter) {
        return new SipDomainSid(SidDigits.high(PREFIX, value, parameter), SidDigits.low(value));
    }

    /** A SID of this kind whose 32 digits are {@code hex}, as a {@link TimeOrderedSids} or a test produces them. */
    public static SipDomainSid ofHex(String hex) {
        return new SipDomainSid(PREFIX + hex);
    }

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public int compareTo(SipDomainSid other) {
        return SidDigits.compare(high, low, other.high, other.low);
    }

    @Override
    public String toString() {
        return value();
    }
}

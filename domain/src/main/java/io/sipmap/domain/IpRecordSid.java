package io.sipmap.domain;

/**
 * The SID of an IP record ({@code IL...}), held as the number its 32 digits spell ({@link Sid}).
 *
 * @param high the first 16 digits
 * @param low  the last 16 digits
 */
public record IpRecordSid(long high, long low) implements Sid, Comparable<IpRecordSid> {

    public static final String PREFIX = "IL";

    /**
     * Reads a SID in either case.
     *
     * @throws SipmapException.InvalidParameter naming {@code IpRecordSid} when {@code value} is not a well-formed SID
     */
    public IpRecordSid(String value) {
        this(SidDigits.high(PREFIX, value, "IpRecordSid"), SidDigits.low(value));
    }

    /**
     * Parses a SID that arrived under another parameter name.
     *
     * @throws SipmapException.InvalidParameter naming {@code parameter} when {@code value} is not well formed
     */
    public static IpRecordSid parse(String value, String parameter) {
        return new IpRecordSid(SidDigits.high(PREFIX, value, parameter), SidDigits.low(value));
    }

    /** A SID of this kind whose 32 digits are {@code hex}, as a {@link TimeOrderedSids} or a test produces them. */
    public static IpRecordSid ofHex(String hex) {
        return new IpRecordSid(PREFIX + hex);
    }

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public int compareTo(IpRecordSid other) {
        return SidDigits.compare(high, low, other.high, other.low);
    }

    @Override
    public String toString() {
        return value();
    }
}

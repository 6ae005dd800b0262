package io.sipmap.domain;

/**
 * The SID of a source IP mapping ({@code IB...}), held as the number its 32 digits spell ({@link Sid}).
 *
 * @param high the first 16 digits
 * @param low  the last 16 digits
 */
public record SourceIpMappingSid(long high, long low) implements Sid, Comparable<SourceIpMappingSid> {

    public static final String PREFIX = "IB";

    /**
     * Reads a SID in either case.
     *
     * @throws SipmapException.InvalidParameter naming {@code Sid} when {@code value} is not a well-formed SID
     */
    public SourceIpMappingSid(String value) {
        this(SidDigits.high(PREFIX, value, "Sid"), SidDigits.low(value));
    }

    /**
     * Parses a SID that arrived under another parameter name.
     *
     * @throws SipmapException.InvalidParameter naming {@code parameter} when {@code value} is not well formed
     */
    public static SourceIpMappingSid parse(String value, String parameter) {
        return new SourceIpMappingSid(SidDigits.high(PREFIX, value, parameter), SidDigits.low(value));
    }

    /** A SID of this kind whose 32 digits are {@code hex}, as a {@link TimeOrderedSids} or a test produces them. */
    public static SourceIpMappingSid ofHex(String hex) {
        return new SourceIpMappingSid(PREFIX + hex);
    }

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public int compareTo(SourceIpMappingSid other) {
        return SidDigits.compare(high, low, other.high, other.low);
    }

    @Override
    public String toString() {
        return value();
    }
}

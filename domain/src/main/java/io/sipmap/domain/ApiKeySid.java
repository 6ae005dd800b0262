package io.sipmap.domain;

/**
 * The SID of an API key ({@code SK...}), held as the number its 32 digits spell ({@link Sid}).
 *
 * @param high the first 16 digits
 * @param low  the last 16 digits
 */
public record ApiKeySid(long high, long low) implements Sid, Comparable<ApiKeySid> {

    public static final String PREFIX = "SK";

    /**
     * Reads a SID in either case.
     *
     * @throws SipmapException.InvalidParameter naming {@code ApiKeySid} when {@code value} is not a well-formed SID
     */
    public ApiKeySid(String value) {
        this(SidDigits.high(PREFIX, value, "ApiKeySid"), SidDigits.low(value));
    }

    /**
     * Parses a SID that arrived under another parameter name.
     *
     * @throws SipmapException.InvalidParameter naming {@code parameter} when {@code value} is not well formed
     */
    public static ApiKeySid parse(String value, String parameter) {
        return new ApiKeySid(SidDigits.high(PREFIX, value, parameter), SidDigits.low(value));
    }

    /** A SID of this kind whose 32 digits are {@code hex}, as a {@link TimeOrderedSids} or a test produces them. */
    public static ApiKeySid ofHex(String hex) {
        return new ApiKeySid(PREFIX + hex);
    }

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public int compareTo(ApiKeySid other) {
        return SidDigits.compare(high, low, other.high, other.low);
    }

    @Override
    public String toString() {
        return value();
    }
}

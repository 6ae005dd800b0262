package io.sipmap.domain;

/**
 * The SID of an account ({@code AC...}), held as the number its 32 digits spell ({@link Sid}).
 *
 * @param high the first 16 digits
 * @param low  the last 16 digits
 */
public record AccountSid(long high, long low) implements Sid, Comparable<AccountSid> {

    public static final String PREFIX = "AC";

    /**
     * Reads a SID in either case.
     *
     * @throws SipmapException.InvalidParameter naming {@code AccountSid} when {@code value} is not a well-formed SID
     */
    public AccountSid(String value) {
        this(SidDigits.high(PREFIX, value, "AccountSid"), SidDigits.low(value));
    }

    /**
     * Parses a SID that arrived under another parameter name.
     *
     * @throws SipmapException.InvalidParameter naming {@code parameter} when {@code value} is not well formed
     */
    public static AccountSid parse(String value, String parameter) {
        return new AccountSid(SidDigits.high(PREFIX, value, parameter), SidDigits.low(value));
    }

    /** A SID of this kind whose 32 digits are {@code hex}, as a {@link TimeOrderedSids} or a test produces them. */
    public static AccountSid ofHex(String hex) {
        return new AccountSid(PREFIX + hex);
    }

    @Override
    public String prefix() {
        return PREFIX;
    }

    @Override
    public int compareTo(AccountSid other) {
        return SidDigits.compare(high, low, other.high, other.low);
    }

    @Override
    public String toString() {
        return value();
    }
}

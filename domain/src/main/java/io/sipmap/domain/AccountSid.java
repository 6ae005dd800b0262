package io.sipmap.domain;

/** The SID of account ({@code AC...}). Canonical: construction checks the format and lower-cases the digits. */
public record AccountSid(String value) implements Sid, Comparable<AccountSid> {

    public static final String PREFIX = "AC";

    /** @throws SipmapException.InvalidParameter naming {@code AccountSid} when {@code value} is not a well-formed SID */
    public AccountSid {
        value = Sid.canonical(PREFIX, value, "AccountSid");
    }

    /**
     * Parses a SID that arrived under another parameter name.
     *
     * @throws SipmapException.InvalidParameter naming {@code parameter} when {@code value} is not well formed
     */
    public static AccountSid parse(String value, String parameter) {
        return new AccountSid(Sid.canonical(PREFIX, value, parameter));
    }

    /** A SID of this kind whose 32 digits are {@code hex}, as a {@link TimeOrderedSids} or a test produces them. */
    public static AccountSid ofHex(String hex) {
        return new AccountSid(PREFIX + hex);
    }

    @Override
    public int compareTo(AccountSid other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}

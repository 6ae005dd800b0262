package io.sipmap.domain;

/** The SID of API key ({@code SK...}). Canonical: construction checks the format and lower-cases the digits. */
public record ApiKeySid(String value) implements Sid, Comparable<ApiKeySid> {

    public static final String PREFIX = "SK";

    /** @throws SipmapException.InvalidParameter naming {@code ApiKeySid} when {@code value} is not a well-formed SID */
    public ApiKeySid {
        value = Sid.canonical(PREFIX, value, "ApiKeySid");
    }

    /**
     * Parses a SID that arrived under another parameter name.
     *
     * @throws SipmapException.InvalidParameter naming {@code parameter} when {@code value} is not well formed
     */
    public static ApiKeySid parse(String value, String parameter) {
        return new ApiKeySid(Sid.canonical(PREFIX, value, parameter));
    }

    /** A SID of this kind whose 32 digits are {@code hex}, as a {@link TimeOrderedSids} or a test produces them. */
    public static ApiKeySid ofHex(String hex) {
        return new ApiKeySid(PREFIX + hex);
    }

    @Override
    public int compareTo(ApiKeySid other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}

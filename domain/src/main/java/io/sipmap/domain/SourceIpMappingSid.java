package io.sipmap.domain;

/** The SID of source IP mapping ({@code IB...}). Canonical: construction checks the format and lower-cases the digits. */
public record SourceIpMappingSid(String value) implements Sid, Comparable<SourceIpMappingSid> {

    public static final String PREFIX = "IB";

    /** @throws SipmapException.InvalidParameter naming {@code Sid} when {@code value} is not a well-formed SID */
    public SourceIpMappingSid {
        value = Sid.canonical(PREFIX, value, "Sid");
    }

    /**
     * Parses a SID that arrived under another parameter name.
     *
     * @throws SipmapException.InvalidParameter naming {@code parameter} when {@code value} is not well formed
     */
    public static SourceIpMappingSid parse(String value, String parameter) {
        return new SourceIpMappingSid(Sid.canonical(PREFIX, value, parameter));
    }

    /** A SID of this kind whose 32 digits are {@code hex}, as a {@link TimeOrderedSids} or a test produces them. */
    public static SourceIpMappingSid ofHex(String hex) {
        return new SourceIpMappingSid(PREFIX + hex);
    }

    @Override
    public int compareTo(SourceIpMappingSid other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}

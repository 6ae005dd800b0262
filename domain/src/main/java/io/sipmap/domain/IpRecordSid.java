package io.sipmap.domain;

/** The SID of IP record ({@code IL...}). Canonical: construction checks the format and lower-cases the digits. */
public record IpRecordSid(String value) implements Sid, Comparable<IpRecordSid> {

    public static final String PREFIX = "IL";

    /** @throws SipmapException.InvalidParameter naming {@code IpRecordSid} when {@code value} is not a well-formed SID */
    public IpRecordSid {
        value = Sid.canonical(PREFIX, value, "IpRecordSid");
    }

    /**
     * Parses a SID that arrived under another parameter name.
     *
     * @throws SipmapException.InvalidParameter naming {@code parameter} when {@code value} is not well formed
     */
    public static IpRecordSid parse(String value, String parameter) {
        return new IpRecordSid(Sid.canonical(PREFIX, value, parameter));
    }

    /** A SID of this kind whose 32 digits are {@code hex}, as a {@link TimeOrderedSids} or a test produces them. */
    public static IpRecordSid ofHex(String hex) {
        return new IpRecordSid(PREFIX + hex);
    }

    @Override
    public int compareTo(IpRecordSid other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}

package io.sipmap.domain;

/** The SID of SIP domain ({@code SD...}). Canonical: construction checks the format and lower-cases the digits. */
public record SipDomainSid(String value) implements Sid, Comparable<SipDomainSid> {

    public static final String PREFIX = "SD";

    /** @throws SipmapException.InvalidParameter naming {@code SipDomainSid} when {@code value} is not a well-formed SID */
    public SipDomainSid {
        value = Sid.canonical(PREFIX, value, "SipDomainSid");
    }

    /**
     * Parses a SID that arrived under another parameter name.
     *
     * @throws SipmapException.InvalidParameter naming {@code parameter} when {@code value} is not well formed
     */
    public static SipDomainSid parse(String value, String parameter) {
        return new SipDomainSid(Sid.canonical(PREFIX, value, parameter));
    }

    /** A SID of this kind whose 32 digits are {@code hex}, as a {@link TimeOrderedSids} or a test produces them. */
    public static SipDomainSid ofHex(String hex) {
        return new SipDomainSid(PREFIX + hex);
    }

    @Override
    public int compareTo(SipDomainSid other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }
}

package io.sipmap.contract;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMappingSid;
import io.sipmap.domain.TimeOrderedSids;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Identifiers no other test run uses, so that the suites need no cleanup and can share a database: random accounts,
 * and SIDs that are time-ordered like those of a real system and unique across runs.
 */
final class Fresh {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final TimeOrderedSids SIDS = new TimeOrderedSids(Clock.systemUTC(), RANDOM::nextLong);

    private Fresh() {
    }

    static String randomHex() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    static AccountSid account() {
        return AccountSid.ofHex(randomHex());
    }

    /** A SID that was never handed out: for lookups of what does not exist. */
    static IpRecordSid unknownIpRecordSid() {
        return IpRecordSid.ofHex(randomHex());
    }

    static SourceIpMappingSid unknownSourceIpMappingSid() {
        return SourceIpMappingSid.ofHex(randomHex());
    }

    static SipDomainSid sipDomain() {
        return SipDomainSid.ofHex(randomHex());
    }

    /**
     * A friendly name of exactly 255 code points (the longest allowed) that is hard to carry: letters outside ASCII,
     * characters outside the Basic Multilingual Plane, and the separators of forms, URLs, JSON and HTML.
     */
    static String friendlyNameOf255CodePoints() {
        int[] awkward = "Zürich & co = 100% + ✓ 😀 ';\"<>/?#\\".codePoints().toArray();
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < 255; i++) {
            name.appendCodePoint(awkward[i % awkward.length]);
        }
        return name.toString();
    }

    /** 32 hex digits greater than any this method returned before. */
    static String orderedHex() {
        return SIDS.nextHex();
    }

    /** {@code count} increasing hex suffixes, as {@link #orderedHex()} makes them. */
    static List<String> orderedHexes(int count) {
        List<String> hexes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            hexes.add(orderedHex());
        }
        return hexes;
    }
}

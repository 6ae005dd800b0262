package io.sipmap.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMappingSid;
import io.sipmap.spi.SidGenerator;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * What every suite uses. Fixtures on a stage with a timeout and unwrapping its failure: the suites assert the variant
 * of a failure, never its identity, since a failure may have crossed HTTP on its way back. Identifiers no other test
 * run uses, so that the suites need no cleanup and can share a database: random accounts, and SIDs that are
 * time-ordered like those of a real system and unique across runs.
 */
final class Fixtures {

    static final long TIMEOUT_SECONDS = 30;
    /** A creation date for records written straight into a store. */
    static final Instant CREATED = Instant.parse("2020-03-18T23:31:36Z");
    /** An update date after {@link #CREATED}. */
    static final Instant LATER = Instant.parse("2020-03-19T08:00:00Z");

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final SidGenerator SIDS = SidGenerator.timeOrdered(Clock.systemUTC(), RANDOM::nextLong);

    private Fixtures() {
    }

    /** The stage's value; its failure, unwrapped, is rethrown as is when unchecked. */
    static <T> T await(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new AssertionError("stage failed with a checked exception", cause);
        } catch (TimeoutException e) {
            throw new AssertionError("stage not complete after " + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The failure of a stage, unwrapped; fails the test when the stage succeeds. */
    static Throwable failureOf(CompletionStage<?> stage) {
        Object value;
        try {
            value = await(stage);
        } catch (RuntimeException | Error e) {
            return e;
        }
        throw new AssertionError("expected the stage to fail, but it completed with " + value);
    }

    /** The failure of a stage, asserted to be of the given type. */
    static <E extends RuntimeException> E failsWith(Class<E> type, CompletionStage<?> stage) {
        Throwable failure = failureOf(stage);
        assertThat(failure).isInstanceOf(type);
        return type.cast(failure);
    }

    static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** Where SIDs come from in services the suites wire themselves: time-ordered, as in production. */
    static SidGenerator sids() {
        return SIDS;
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

    /**
     * Hex suffixes in ascending order that a store orders wrongly unless it compares SIDs as unsigned 128-bit numbers
     * (their lower-case text, a UUID's bytes): the top bit of either half set or not, digits against letters. Random
     * below the digits that decide the order, so that runs on a shared database never reuse one.
     */
    static List<String> hexesAcrossSignAndLetters() {
        List<String> hexes = new ArrayList<>();
        String high = randomHex().substring(1, 16);
        for (char first : new char[] {'0', '7', '8', '9', 'a', 'f'}) {
            hexes.add(first + randomHex().substring(1));
        }
        for (char first : new char[] {'0', '7', '8', '9', 'a', 'f'}) {
            hexes.add("c" + high + first + randomHex().substring(17));
        }
        hexes.sort(null);
        return hexes;
    }
}

package io.sipmap.spi;

import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.SourceIpMappingSid;
import io.sipmap.domain.TimeOrderedSids;
import java.time.Clock;
import java.util.function.LongSupplier;

/**
 * Where new SIDs come from. Each call returns 32 hex digits never returned before, greater than every earlier
 * result, so that SID order is creation order. Implementations are thread-safe.
 *
 * <p>Creation order holds per generator. Two generators, as in two processes serving one database, each keep their
 * own order; between them, {@link #timeOrdered} SIDs order by their clocks' milliseconds, so records created within
 * the clocks' skew of each other may list in the other order. Uniqueness across generators rests on the random bits.
 */
@FunctionalInterface
public interface SidGenerator {

    /** 32 lower-case hex digits, greater than any this generator returned before. */
    String nextHex();

    default IpRecordSid nextIpRecordSid() {
        return IpRecordSid.ofHex(nextHex());
    }

    default SourceIpMappingSid nextSourceIpMappingSid() {
        return SourceIpMappingSid.ofHex(nextHex());
    }

    /** The production rule: creation time in milliseconds, a counter, random bits ({@link TimeOrderedSids}). */
    static SidGenerator timeOrdered(Clock clock, LongSupplier random) {
        return new TimeOrderedSids(clock, random)::nextHex;
    }
}

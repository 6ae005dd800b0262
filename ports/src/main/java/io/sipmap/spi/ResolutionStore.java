package io.sipmap.spi;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Resolution;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Answers resolutions from what {@link SourceIpMappingStore} and {@link IpRecordStore} hold, with an index the
 * implementation keeps: a lookup per source address is the hot path of a SIP edge, so it must not scan the records.
 *
 * <p>A separate interface rather than a method of {@link SourceIpMappingStore}, because it is a query over both
 * stores, and so that a store implementing only the Twilio resources need not offer it. Implementations come from the
 * same backing system as the two stores and keep the index current atomically with mapping writes: a resolution that
 * starts after a write to the mappings has completed sees it, and none sees part of a write. Methods never throw and
 * never return null; failures arrive in the stage. Thread-safe.
 */
public interface ResolutionStore {

    /**
     * The winning mapping for {@code address} among the account's mapped IP records, by {@link Resolution}'s rule
     * (longest prefix, then smallest IP record SID); empty when none contains it or the account has none.
     */
    CompletionStage<Optional<Resolution>> resolve(AccountSid account, IpAddress address);
}

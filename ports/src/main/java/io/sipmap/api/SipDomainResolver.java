package io.sipmap.api;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Resolution;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Resolves a source address to the SIP domain it belongs to, as a SIP edge does for each request it receives.
 *
 * <p>This is a port of its own, not a method of {@link SourceIpMappings}: those resource interfaces mirror Twilio's
 * operations one for one, so that a client of a real Twilio account can implement them; Twilio has no resolve
 * operation, and such a client would have to fake this one. Whoever implements the mappings and can also resolve
 * implements both interfaces.
 *
 * <p>The rule is {@link Resolution}'s: among the account's IP records that have a mapping, the one with the longest
 * prefix containing the address wins, ties going to the smallest IP record SID. Resolution only reads.
 *
 * <p>No method throws or returns null: failures arrive as a failed stage holding a
 * {@link io.sipmap.domain.SipmapException}. Implementations are thread-safe, and a resolution that starts after a
 * mapping write has completed sees that write.
 */
public interface SipDomainResolver {

    /**
     * Where {@code address} belongs for {@code account}: empty when none of its mapped IP records contains it (not a
     * failure); other accounts' records never take part.
     */
    CompletionStage<Optional<Resolution>> resolve(AccountSid account, IpAddress address);
}

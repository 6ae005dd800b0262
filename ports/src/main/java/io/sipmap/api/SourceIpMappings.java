package io.sipmap.api;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.domain.SourceIpMappingSid;
import java.util.concurrent.CompletionStage;

/**
 * The Source IP Mappings use cases (Twilio's {@code /v1/SourceIpMappings}). Every call acts for one account; other
 * accounts' mappings and IP records do not exist for it. No method throws or returns null: failures arrive as a
 * failed stage holding a {@link io.sipmap.domain.SipmapException}. Implementations are thread-safe.
 */
public interface SourceIpMappings {

    /**
     * Maps an IP record to a SIP domain. Fails with {@code InvalidParameter} naming {@code IpRecordSid} when the
     * account has no such IP record, and with {@code Conflict} when the record already has a mapping; of concurrent
     * creates for one record exactly one succeeds.
     */
    CompletionStage<SourceIpMapping> create(AccountSid account, CreateSourceIpMapping command);

    /** The mapping; fails with {@code NotFound} when the account has no such mapping. */
    CompletionStage<SourceIpMapping> fetch(AccountSid account, SourceIpMappingSid sid);

    /** One page of the account's mappings in SID order (creation order). */
    CompletionStage<Page<SourceIpMapping>> list(AccountSid account, PageRequest request);

    /** Changes the SIP domain and {@code date_updated}; fails with {@code NotFound} when there is no such mapping. */
    CompletionStage<SourceIpMapping> update(AccountSid account, SourceIpMappingSid sid, UpdateSourceIpMapping command);

    /** Deletes a mapping, which frees its IP record; fails with {@code NotFound} when there is no such mapping. */
    CompletionStage<Void> delete(AccountSid account, SourceIpMappingSid sid);
}

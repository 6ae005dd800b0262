package io.sipmap.api;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import java.util.concurrent.CompletionStage;

/**
 * The IP Records use cases (Twilio's {@code /v1/IpRecords}). Every call acts for one account; other accounts' records
 * do not exist for it. No method throws or returns null: failures arrive as a failed stage holding a
 * {@link io.sipmap.domain.SipmapException}. Implementations are thread-safe.
 */
public interface IpRecords {

    /** Creates a record; its SID sorts after every SID created before it. */
    CompletionStage<IpRecord> create(AccountSid account, CreateIpRecord command);

    /** The record; fails with {@code NotFound} when the account has no such record. */
    CompletionStage<IpRecord> fetch(AccountSid account, IpRecordSid sid);

    /** One page of the account's records in SID order (creation order). */
    CompletionStage<Page<IpRecord>> list(AccountSid account, PageRequest request);

    /** Changes the friendly name and {@code date_updated}; fails with {@code NotFound} when there is no such record. */
    CompletionStage<IpRecord> update(AccountSid account, IpRecordSid sid, UpdateIpRecord command);

    /**
     * Deletes a record; fails with {@code NotFound} when there is no such record and with {@code Conflict} when a
     * source IP mapping still maps it (never cascades).
     */
    CompletionStage<Void> delete(AccountSid account, IpRecordSid sid);
}

package io.sipmap.contract;

import io.sipmap.api.IpRecords;
import io.sipmap.api.SourceIpMappings;
import io.sipmap.domain.AccountSid;

/**
 * One account and the use cases acting for it. A suite asks for a fresh tenant per test, so tests need no cleanup and
 * can run on a shared system; two tenants from one suite share the same backing system, so isolation can be tested.
 */
public record Tenant(AccountSid account, IpRecords ipRecords, SourceIpMappings sourceIpMappings) {
}

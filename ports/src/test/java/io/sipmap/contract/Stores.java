package io.sipmap.contract;

import io.sipmap.spi.IpRecordStore;
import io.sipmap.spi.SourceIpMappingStore;

/** The two stores of one backing system, which share the invariants between IP records and mappings. */
public record Stores(IpRecordStore ipRecords, SourceIpMappingStore sourceIpMappings) {
}

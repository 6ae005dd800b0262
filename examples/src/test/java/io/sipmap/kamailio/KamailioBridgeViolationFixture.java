package io.sipmap.kamailio;

import io.sipmap.spi.IpRecordStore;

/** Breaks the bridge's fence on purpose (the bridge reaching into a store); see ArchitectureTest. */
public class KamailioBridgeViolationFixture {
    public Object read(IpRecordStore store) {
        return store;
    }
}

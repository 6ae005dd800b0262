package io.sipmap.contract;

import io.sipmap.spi.ChangeStore;
import io.sipmap.spi.IpRecordStore;
import io.sipmap.spi.ResolutionStore;
import io.sipmap.spi.SourceIpMappingStore;
import java.util.Objects;

/**
 * The stores one backing system provides: what an adapter hands to every store suite ({@link IpRecordStoreContract},
 * {@link SourceIpMappingStoreContract}, {@link ResolutionStoreContract}) and, through {@link Tenant#ofServices}, to
 * the api suites. The three share one system, since the invariants between IP records and mappings and the
 * resolution index span them.
 *
 * <p>Each test works in fresh accounts, so one value may serve every test of a class, or of a run: made once per
 * class over a database, or per test in memory. Two values over one database are two instances of the system.
 *
 * @param ipRecords        never null
 * @param sourceIpMappings never null
 * @param resolutions      null when the adapter offers no {@link ResolutionStore}; {@link ResolutionStoreContract}
 *                         and resolving tenants need one
 * @param changes          null when the adapter offers no {@link ChangeStore}; {@link ChangeStoreContract} needs one
 */
public record Stores(IpRecordStore ipRecords, SourceIpMappingStore sourceIpMappings, ResolutionStore resolutions,
                     ChangeStore changes) {

    public Stores {
        Objects.requireNonNull(ipRecords, "ipRecords");
        Objects.requireNonNull(sourceIpMappings, "sourceIpMappings");
    }

    /** Stores without a change feed. */
    public Stores(IpRecordStore ipRecords, SourceIpMappingStore sourceIpMappings, ResolutionStore resolutions) {
        this(ipRecords, sourceIpMappings, resolutions, null);
    }
}

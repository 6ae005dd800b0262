package io.sipmap.junit;

import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.spi.ChangeStore;
import io.sipmap.spi.IpRecordStore;
import io.sipmap.spi.ResolutionStore;
import io.sipmap.spi.SourceIpMappingStore;
import java.time.Duration;

/**
 * The stores one test class's server runs over, and how to let them go. {@link #memory()} here; the PostgreSQL one in
 * {@code EmbeddedPostgresBackend}, the only class that names the optional PostgreSQL dependencies, loaded only when a
 * test asks for {@link Store#EMBEDDED}.
 */
interface Backend {

    IpRecordStore ipRecords();

    SourceIpMappingStore sourceIpMappings();

    ResolutionStore resolutions();

    ChangeStore changes();

    /** Lets the stores go, waiting up to {@code timeout}; on the test's thread. */
    void close(Duration timeout) throws Exception;

    /** Fresh in-memory stores. */
    static Backend memory() {
        InMemoryStores stores = InMemoryStores.create();
        return new Backend() {
            @Override
            public IpRecordStore ipRecords() {
                return stores.ipRecords();
            }

            @Override
            public SourceIpMappingStore sourceIpMappings() {
                return stores.sourceIpMappings();
            }

            @Override
            public ResolutionStore resolutions() {
                return stores.resolutions();
            }

            @Override
            public ChangeStore changes() {
                return stores.changes();
            }

            @Override
            public void close(Duration timeout) {
                // nothing held but memory
            }
        };
    }
}

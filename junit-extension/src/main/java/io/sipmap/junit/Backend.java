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
record Backend(IpRecordStore ipRecords, SourceIpMappingStore sourceIpMappings, ResolutionStore resolutions,
               ChangeStore changes, Closer closer) {

    /** How a backend lets its stores go, waiting up to {@code timeout}; on the test's thread. */
    @FunctionalInterface
    interface Closer {
        void close(Duration timeout) throws Exception;
    }

    /** Lets the stores go, waiting up to {@code timeout}; on the test's thread. */
    void close(Duration timeout) throws Exception {
        closer.close(timeout);
    }

    /** Fresh in-memory stores. */
    static Backend memory() {
        InMemoryStores stores = InMemoryStores.create();
        return new Backend(stores.ipRecords(), stores.sourceIpMappings(), stores.resolutions(), stores.changes(),
                timeout -> {
                    // nothing held but memory
                });
    }
}

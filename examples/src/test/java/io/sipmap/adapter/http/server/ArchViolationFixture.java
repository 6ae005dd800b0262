package io.sipmap.adapter.http.server;

import io.sipmap.adapter.inmemory.InMemoryStores;

/** Breaks the module table on purpose (one adapter depending on another); see ArchitectureTest. */
public class ArchViolationFixture {
    public InMemoryStores stores = InMemoryStores.create();
}

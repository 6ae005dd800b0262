package io.sipmap.service;

import io.sipmap.adapter.inmemory.InMemoryStores;

/** Breaks the module table on purpose (ports depending on an adapter); see ArchitectureTest. */
public class ArchViolationFixture {
    public InMemoryStores stores = InMemoryStores.create();
}

package io.sipmap.domain;

import io.sipmap.api.IpRecords;
import java.time.Instant;

/** Breaks the module table on purpose (domain depending on the ports, reading the clock); see ArchitectureTest. */
public class ArchViolationFixture {
    public IpRecords ports;

    public Instant now() {
        return Instant.now();
    }
}

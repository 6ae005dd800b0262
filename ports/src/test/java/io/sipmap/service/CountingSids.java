package io.sipmap.service;

import io.sipmap.spi.SidGenerator;

/** SIDs 1, 2, 3... in hex: predictable, increasing. */
final class CountingSids implements SidGenerator {

    private long count;

    @Override
    public synchronized String nextHex() {
        return String.format("%032x", ++count);
    }
}

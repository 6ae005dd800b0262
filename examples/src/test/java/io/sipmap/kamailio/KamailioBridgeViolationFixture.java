package io.sipmap.kamailio;

import io.sipmap.adapter.http.server.SipmapVerticle;
import io.sipmap.spi.ChangeStore;

/** Breaks the bridge's rule on purpose: it reads the change store and reaches into the server adapter. */
public final class KamailioBridgeViolationFixture {

    Object changes(ChangeStore store) {
        return store;
    }

    int port(SipmapVerticle verticle) {
        return verticle.actualPort();
    }
}

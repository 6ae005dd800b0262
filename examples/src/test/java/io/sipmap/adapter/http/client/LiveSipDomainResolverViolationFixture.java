package io.sipmap.adapter.http.client;

import java.util.concurrent.CompletableFuture;

/** Breaks the live resolver's rule on purpose: it waits for a stage, parking the thread that resolves. */
public final class LiveSipDomainResolverViolationFixture {

    Object resolveByWaiting(CompletableFuture<Object> pending) {
        return pending.join();
    }
}

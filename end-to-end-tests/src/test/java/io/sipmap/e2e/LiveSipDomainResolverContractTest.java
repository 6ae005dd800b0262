package io.sipmap.e2e;

import io.sipmap.contract.SipDomainResolverContract;
import io.sipmap.contract.Tenant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The resolver contract through the client's live replica: writes through the client and the real server (services,
 * in-memory stores), resolutions from the replica's index, which the server's export and change feed keep current
 * over a real socket.
 */
class LiveSipDomainResolverContractTest extends SipDomainResolverContract {

    private static FeedStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = new FeedStack(10_000);
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Override
    protected Tenant newTenant() {
        return stack.newLiveTenant();
    }
}

package io.sipmap.examples;

import io.sipmap.contract.SipDomainResolverContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The resolver contract through the client's resolve extension, the server, the services and in-memory stores. */
class HttpSipDomainResolverContractTest extends SipDomainResolverContract {

    private static HttpStack stack;

    @BeforeAll
    static void start() throws Exception {
        stack = new HttpStack();
    }

    @AfterAll
    static void stop() {
        stack.close();
    }

    @Override
    protected ResolvingTenant newTenant() {
        return stack.newResolvingTenant();
    }
}

package io.sipmap.e2e;

import io.sipmap.contract.SipDomainResolverContract;
import io.sipmap.contract.Tenant;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The resolver contract through the client's resolve extension, the server, the services and in-memory stores. */
class HttpSipDomainResolverContractTest extends SipDomainResolverContract {

    @RegisterExtension
    static final HttpStack.PerClass STACK = new HttpStack.PerClass();

    @Override
    protected Tenant newTenant() {
        return STACK.get().newTenant();
    }
}

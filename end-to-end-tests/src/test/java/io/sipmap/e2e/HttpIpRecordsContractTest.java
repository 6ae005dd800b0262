package io.sipmap.e2e;

import io.sipmap.contract.IpRecordsContract;
import io.sipmap.contract.Tenant;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The IP Records contract through client, server, services and in-memory stores. */
class HttpIpRecordsContractTest extends IpRecordsContract {

    @RegisterExtension
    static final HttpStack.PerClass STACK = new HttpStack.PerClass();

    @Override
    protected Tenant newTenant() {
        return STACK.get().newTenant();
    }
}

package io.sipmap.e2e;

import io.sipmap.contract.SourceIpMappingsContract;
import io.sipmap.contract.Tenant;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Source IP Mappings contract through client, server, services and in-memory stores. */
class HttpSourceIpMappingsContractTest extends SourceIpMappingsContract {

    @RegisterExtension
    static final HttpStack.PerClass STACK = new HttpStack.PerClass();

    @Override
    protected Tenant newTenant() {
        return STACK.get().newTenant();
    }
}

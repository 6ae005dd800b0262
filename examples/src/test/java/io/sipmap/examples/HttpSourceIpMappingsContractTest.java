package io.sipmap.examples;

import io.sipmap.contract.SourceIpMappingsContract;
import io.sipmap.contract.Tenant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The Source IP Mappings contract through client, server, services and in-memory stores. */
class HttpSourceIpMappingsContractTest extends SourceIpMappingsContract {

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
    protected Tenant newTenant() {
        return stack.newTenant();
    }
}

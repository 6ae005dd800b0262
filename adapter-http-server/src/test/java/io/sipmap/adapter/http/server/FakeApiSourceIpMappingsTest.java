package io.sipmap.adapter.http.server;

import io.sipmap.contract.SourceIpMappingsContract;
import io.sipmap.contract.Tenant;

/** The black-box tests' {@link FakeApi} keeps the api contract it stands in for. It resolves nothing. */
class FakeApiSourceIpMappingsTest extends SourceIpMappingsContract {

    private final FakeApi api = new FakeApi();

    @Override
    protected Tenant newTenant() {
        return new Tenant(api.newAccount(), api.ipRecords, api.sourceIpMappings, null);
    }
}

package io.sipmap.adapter.http.server;

import io.sipmap.contract.IpRecordsContract;
import io.sipmap.contract.Tenant;

/** The black-box tests' {@link FakeApi} keeps the api contract it stands in for. It resolves nothing. */
class FakeApiIpRecordsTest extends IpRecordsContract {

    private final FakeApi api = new FakeApi();

    @Override
    protected Tenant newTenant() {
        return new Tenant(api.newAccount(), api.ipRecords, api.sourceIpMappings, null);
    }
}

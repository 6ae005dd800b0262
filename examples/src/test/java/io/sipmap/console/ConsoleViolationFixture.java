package io.sipmap.console;

import io.sipmap.api.IpRecords;
import io.vertx.core.http.HttpServerResponse;

/**
 * Breaks the console's fences on purpose (the console reaching into the API's Java types, an answer ended outside
 * Console); see ArchitectureTest.
 */
public class ConsoleViolationFixture {
    public void answer(HttpServerResponse response, IpRecords records) {
        response.end(String.valueOf(records));
    }
}

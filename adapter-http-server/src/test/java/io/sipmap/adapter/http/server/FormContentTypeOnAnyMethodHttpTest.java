package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Twilio's SDKs for other languages send {@code Content-Type: application/x-www-form-urlencoded} on every request,
 * GET included, and some clients put a form in a GET body: the header and the body of a method that takes no form
 * are ignored, not refused.
 */
class FormContentTypeOnAnyMethodHttpTest extends ServerTestBase {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "GET|/v1/IpRecords|",
            "GET|/v1/IpRecords|PageSize=2",
            "GET|/v1/SourceIpMappings|IpAddress=1.2.3.4",
            "GET|/v1/IpRecords/IL00000000000000000000000000000001|",
            "GET|/v1/IpRecords/IL00000000000000000000000000000001|FriendlyName=x"})
    void formContentTypeOnAGetIsIgnored(String method, String path, String body) {
        post("/v1/IpRecords", "IpAddress", "1.2.3.4");

        HttpResponse<Buffer> response = await(authed(HttpMethod.valueOf(method), path)
                .putHeader("Content-Type", FORM).sendBuffer(Buffer.buffer(body == null ? "" : body)));

        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"HEAD|/v1/IpRecords|404,405", "OPTIONS|/v1/IpRecords|200,204,405",
            "TRACE|/v1/IpRecords|404,405"})
    void formContentTypeOnOtherMethodsIsNoBadRequest(String method, String path, String statuses) {
        HttpResponse<Buffer> response = await(authed(HttpMethod.valueOf(method), path)
                .putHeader("Content-Type", FORM).sendBuffer(Buffer.buffer("")));

        assertThat(String.valueOf(response.statusCode())).as(response.bodyAsString()).isIn((Object[]) statuses.split(","));
    }
}

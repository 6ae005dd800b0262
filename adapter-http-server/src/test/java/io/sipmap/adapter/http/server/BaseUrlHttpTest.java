package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class BaseUrlHttpTest {

    @Nested
    class FromTheRequest extends ServerTestBase {
        @Test
        void urlsUseTheSchemeAndHostOfTheRequest() {
            JsonObject record = json(await(authed(HttpMethod.POST, "/v1/IpRecords")
                    .putHeader("Host", "sipmap.example.org:8443")
                    .putHeader("Content-Type", FORM)
                    .sendBuffer(Buffer.buffer("IpAddress=192.0.2.1"))));

            assertThat(record.getString("url")).isEqualTo("http://sipmap.example.org:8443/v1/IpRecords/IL" + hex(1));
        }
    }

    @Nested
    class Configured extends ServerTestBase {
        @Override
        SipmapServerOptions options() {
            return super.options().withPublicBaseUrl("https://api.example.com/twilio/");
        }

        @Test
        void urlsUseTheConfiguredBase() {
            post("/v1/IpRecords", "IpAddress", "192.0.2.1");

            JsonObject page = json(get("/v1/IpRecords?PageSize=1"));

            assertThat(page.getJsonArray("ip_records").getJsonObject(0).getString("url"))
                    .isEqualTo("https://api.example.com/twilio/v1/IpRecords/IL" + hex(1));
            assertThat(page.getJsonObject("meta").getString("first_page_url"))
                    .isEqualTo("https://api.example.com/twilio/v1/IpRecords?PageSize=1&Page=0");
        }
    }

    @Nested
    class Mounted extends ServerTestBase {
        @Override
        Router router() {
            Router host = Router.router(vertx);
            host.route("/twilio/*").subRouter(super.router());
            return host;
        }

        @Test
        void aHostCanMountTheRouterAndUrlsFollow() {
            JsonObject record = json(post("/twilio/v1/IpRecords", "IpAddress", "192.0.2.1"));

            assertThat(record.getString("url")).isEqualTo(base + "/twilio/v1/IpRecords/IL" + hex(1));
            assertThat(get("/twilio/v1/IpRecords/IL" + hex(1)).statusCode()).isEqualTo(200);
            assertThat(json(get("/twilio/v1/IpRecords")).getJsonObject("meta").getString("url"))
                    .isEqualTo(base + "/twilio/v1/IpRecords?PageSize=50&Page=0");
        }
    }
}

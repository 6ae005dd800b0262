package io.sipmap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two accounts, each with an auth token and an API key, on the whole stack with the request log on. Another
 * account's records do not exist for you (404, nothing changes); wrong, revoked, unknown and borrowed credentials are
 * 401; a key revoked at run time is refused from the next request; and no secret ever reaches a log record (the
 * server logs through {@code System.Logger}, which is JUL here, as are Vert.x and Netty, since the only SLF4J on the
 * class path has no provider) or a response.
 */
class AccountsAndCredentialsTest {

    static final AccountSid A = LocalServer.ACCOUNT;
    static final AccountSid B = LocalServer.SECOND;
    static final ApiKeySid A_KEY = LocalServer.API_KEY;
    static final ApiKeySid B_KEY = new ApiKeySid("SK" + "e5".repeat(16));
    static final String B_SECRET = "secret-of-b-key-7f3a";
    static final ApiKeySid UNKNOWN_KEY = new ApiKeySid("SK" + "f6".repeat(16));
    static final String DOMAIN = "SD" + "1".repeat(32);

    /** Every secret of the test; none may appear in a log record or a response body. */
    static final List<String> SECRETS = List.of(LocalServer.TOKEN, LocalServer.SECOND_TOKEN, LocalServer.THIRD_TOKEN,
            LocalServer.API_SECRET, B_SECRET, "wrong-token-3c9d");

    LocalServer server;
    RawHttp http;
    Credentials credentials;
    final List<LogRecord> logged = Collections.synchronizedList(new ArrayList<>());
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    Level rootLevel;

    @BeforeEach
    void start() throws Exception {
        Logger root = Logger.getLogger("");
        rootLevel = root.getLevel();
        root.setLevel(Level.ALL);
        root.addHandler(capture);
        AtomicReference<Credentials> used = new AtomicReference<>();
        server = new LocalServer(options -> {
            used.set(options.credentials().withApiKey(B_KEY, B_SECRET, B));
            return options.withCredentials(used.get()).withRequestLog(true);
        });
        credentials = used.get();
        http = new RawHttp(server.vertx, server.verticle.actualPort(), 4);
    }

    @AfterEach
    void stop() throws Exception {
        http.close();
        server.close();
        Logger root = Logger.getLogger("");
        root.removeHandler(capture);
        root.setLevel(rootLevel);
    }

    private RawHttp.Answer as(String user, String secret, String method, String uri, String form) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        headers.add(RawHttp.basic(user, secret));
        if (form != null) {
            headers.add(Map.entry("Content-Type", RawHttp.FORM));
        }
        RawHttp.Answer answer = http.send(method, uri, headers, form == null ? null
                : form.getBytes(StandardCharsets.UTF_8));
        String body = answer.body().toString(StandardCharsets.UTF_8);
        for (String secret2 : SECRETS) {
            assertThat(body).as("%s %s answered", method, uri).doesNotContain(secret2);
        }
        return answer;
    }

    @Test
    void everyOperationOnAnotherAccountsRecordsIs404AndChangesNothing() {
        JsonObject record = as(A.value(), LocalServer.TOKEN, "POST", "/v1/IpRecords", "IpAddress=192.0.2.1").json();
        String rec = record.getString("sid");
        JsonObject mapping = as(A.value(), LocalServer.TOKEN, "POST", "/v1/SourceIpMappings",
                "IpRecordSid=" + rec + "&SipDomainSid=" + DOMAIN).json();
        String map = mapping.getString("sid");
        String bRecord = as(B.value(), LocalServer.SECOND_TOKEN, "POST", "/v1/IpRecords", "IpAddress=192.0.2.2")
                .json().getString("sid");
        int checked = 0;

        for (String[] b : new String[][] {{B.value(), LocalServer.SECOND_TOKEN}, {B_KEY.value(), B_SECRET}}) {
            for (String[] op : new String[][] {
                    {"GET", "/v1/IpRecords/" + rec, null}, {"POST", "/v1/IpRecords/" + rec, "FriendlyName=stolen"},
                    {"DELETE", "/v1/IpRecords/" + rec, null}, {"GET", "/v1/SourceIpMappings/" + map, null},
                    {"POST", "/v1/SourceIpMappings/" + map, "SipDomainSid=SD" + "9".repeat(32)},
                    {"DELETE", "/v1/SourceIpMappings/" + map, null},
                    {"GET", "/v1/IpRecords/" + rec.toUpperCase(), null}}) {
                RawHttp.Answer answer = as(b[0], b[1], op[0], op[1], op[2]);
                assertThat(RawHttp.assertTwilioError(answer).getInteger("code")).as("%s %s", op[0], op[1])
                        .isEqualTo(20404);
                checked++;
            }
            RawHttp.Answer mapOthers = as(b[0], b[1], "POST", "/v1/SourceIpMappings",
                    "IpRecordSid=" + rec + "&SipDomainSid=" + DOMAIN);
            assertThat(RawHttp.assertTwilioError(mapOthers).getInteger("status")).as("mapping A's record as B")
                    .isEqualTo(400);
            assertThat(as(b[0], b[1], "GET", "/v1/IpRecords", null).json().getJsonArray("ip_records"))
                    .extracting(o -> ((JsonObject) o).getString("sid")).containsExactly(bRecord);
            assertThat(as(b[0], b[1], "GET", "/v1/SourceIpMappings", null).json()
                    .getJsonArray("source_ip_mappings")).isEmpty();
            checked += 3;
        }

        assertThat(as(A.value(), LocalServer.TOKEN, "GET", "/v1/IpRecords/" + rec, null).json()).isEqualTo(record);
        assertThat(as(A_KEY.value(), LocalServer.API_SECRET, "GET", "/v1/SourceIpMappings/" + map, null).json())
                .isEqualTo(mapping);
        assertThat(GeneratedRequestsTest.listAll(http, A, "/v1/IpRecords", "ip_records")).containsOnlyKeys(rec);
        assertThat(GeneratedRequestsTest.listAll(http, B, "/v1/IpRecords", "ip_records")).containsOnlyKeys(bRecord);
        System.out.printf("AccountsAndCredentialsTest: %d cross-account requests, all refused, nothing changed%n",
                checked);
    }

    @Test
    void wrongRevokedUnknownAndBorrowedCredentialsAre401() {
        credentials.revoke(B_KEY);
        String[][] wrong = {
                {B_KEY.value(), B_SECRET}, // revoked
                {UNKNOWN_KEY.value(), B_SECRET}, // unknown key
                {A.value(), LocalServer.SECOND_TOKEN}, // another account's token
                {B.value(), LocalServer.TOKEN},
                {A_KEY.value(), LocalServer.TOKEN}, // the account's token for its key
                {A.value(), LocalServer.API_SECRET}, // the key's secret for its account
                {A.value(), ""}, {A_KEY.value(), ""}, {"", LocalServer.TOKEN}, {"", ""},
                {A.value(), LocalServer.TOKEN + " "}, {A.value(), LocalServer.TOKEN.toUpperCase()},
                {A.value().toLowerCase(), LocalServer.TOKEN}, // "ac" is not the AC prefix
                {"AC" + "0".repeat(32), LocalServer.TOKEN}, {A.value() + ":", LocalServer.TOKEN},
                {"wrong-token-3c9d", "wrong-token-3c9d"}};
        for (String[] pair : wrong) {
            for (String[] op : new String[][] {{"GET", "/v1/IpRecords", null},
                    {"POST", "/v1/IpRecords", "IpAddress=192.0.2.9"}, {"DELETE", "/v1/IpRecords/IL" + "0".repeat(32),
                    null}}) {
                RawHttp.Answer answer = as(pair[0], pair[1], op[0], op[1], op[2]);
                assertThat(RawHttp.assertTwilioError(answer).getInteger("code")).as("%s:%s", pair[0], pair[1])
                        .isEqualTo(20003);
                assertThat(answer.headers().get("WWW-Authenticate")).isEqualTo("Basic realm=\"Twilio API\"");
            }
        }
        assertThat(GeneratedRequestsTest.listAll(http, A, "/v1/IpRecords", "ip_records")).isEmpty();
    }

    @Test
    void aKeyRevokedAtRunTimeIsRefusedFromTheNextRequestOnTheSameConnection() {
        for (int i = 0; i < 5; i++) {
            assertThat(as(B_KEY.value(), B_SECRET, "GET", "/v1/IpRecords", null).status()).isEqualTo(200);
        }

        assertThat(credentials.revoke(B_KEY)).isTrue();

        for (int i = 0; i < 5; i++) {
            assertThat(as(B_KEY.value(), B_SECRET, "GET", "/v1/IpRecords", null).status()).isEqualTo(401);
        }
        assertThat(as(B.value(), LocalServer.SECOND_TOKEN, "GET", "/v1/IpRecords", null).status()).isEqualTo(200);
        assertThat(as(A_KEY.value(), LocalServer.API_SECRET, "GET", "/v1/IpRecords", null).status()).isEqualTo(200);
    }

    @Test
    void noSecretReachesALogRecord() {
        int requests = 0;
        String[][] users = {{A.value(), LocalServer.TOKEN}, {A_KEY.value(), LocalServer.API_SECRET},
                {B.value(), LocalServer.SECOND_TOKEN}, {B_KEY.value(), B_SECRET}, {A.value(), "wrong-token-3c9d"},
                {B_KEY.value(), LocalServer.TOKEN}, {UNKNOWN_KEY.value(), B_SECRET}, {A.value(), ""}};
        for (int round = 0; round < 10; round++) {
            for (String[] user : users) {
                as(user[0], user[1], "POST", "/v1/IpRecords", "IpAddress=192.0.2." + round);
                as(user[0], user[1], "POST", "/v1/IpRecords", "IpAddress=bad&FriendlyName=" + "x".repeat(300));
                as(user[0], user[1], "GET", "/v1/IpRecords?PageSize=2000", null);
                as(user[0], user[1], "GET", "/v1/IpRecords?PageToken=nonsense&x=%zz", null);
                as(user[0], user[1], "DELETE", "/v1/SourceIpMappings/IB" + "0".repeat(32), null);
                as(user[0], user[1], "PUT", "/v1/IpRecords", "a=%");
                as(user[0], user[1], "POST", "/v1/IpRecords", "IpAddress=1.2.3.4&=" + "y".repeat(20_000));
                requests += 7;
            }
        }
        // a header too large and a request line too long go to the invalid request handler, not the router
        http.send("GET", "/v1/IpRecords/" + "z".repeat(5000), List.of(RawHttp.basic(A.value(), LocalServer.TOKEN)),
                null);
        http.send("GET", "/v1/IpRecords", List.of(RawHttp.basic(A.value(), LocalServer.TOKEN),
                Map.entry("X-Filler", "f".repeat(9000))), null);
        requests += 2;

        List<String> encoded = new ArrayList<>();
        for (String[] user : users) {
            encoded.add(Base64.getEncoder().encodeToString((user[0] + ":" + user[1]).getBytes(StandardCharsets.UTF_8)));
        }
        SimpleFormatter formatter = new SimpleFormatter();
        List<String> lines;
        synchronized (logged) {
            lines = logged.stream().map(formatter::format).toList();
        }
        assertThat(lines).as("the request log is captured").anyMatch(line -> line.contains("POST /v1/IpRecords 201"));
        for (String line : lines) {
            for (String secret : SECRETS) {
                assertThat(line).doesNotContain(secret);
            }
            for (String header : encoded) {
                assertThat(line).doesNotContain(header);
            }
        }
        System.out.printf("AccountsAndCredentialsTest: %d requests with real and wrong credentials, %d log records"
                + " captured (JUL, all levels), no secret in any log record or response%n", requests, lines.size());
    }
}

package io.sipmap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.Sid;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Thousands of generated requests against the whole stack (verticle, router, services, in-memory stores): random
 * methods, paths and SIDs of every wrong shape, paging parameters of every type and range, form bodies missing,
 * repeated, over-long, mis-encoded or mis-typed, and broken credentials. Every answer must be a success or a
 * well-formed Twilio error, never a 5xx or a hang. Where the request is clean enough to say what Twilio would answer,
 * an oracle says it and the status and code must match. A model follows every acknowledged create, update and delete;
 * after each property the store, listed page by page, must hold exactly the model.
 */
class GeneratedRequestsTest {

    /** Marks a generated value that stands for an existing SID, resolved when the request is sent. */
    static final char REF = '\uE000';
    static final String IL = "IL";
    static final String IB = "IB";
    static final String SD = "SD";

    static LocalServer server;
    static RawHttp http;
    static final Map<AccountSid, Map<String, JsonObject>> records = new HashMap<>();
    static final Map<AccountSid, Map<String, JsonObject>> mappings = new HashMap<>();
    static final Map<String, AtomicInteger> statuses = new TreeMap<>();
    static final AtomicInteger sent = new AtomicInteger();
    static final AtomicInteger predicted = new AtomicInteger();
    static final AtomicInteger comparisons = new AtomicInteger();

    enum Auth {
        ACCOUNT, API_KEY, SECOND, LOWER_CASE_SCHEME, WRONG_TOKEN, OTHER_ACCOUNTS_TOKEN, UNKNOWN_USER, EMPTY_PASSWORD,
        NO_COLON, NOT_BASE64, BEARER, BASIC_ALONE, NONE, EMPTY_USER, HUGE;

        boolean valid() {
            return this == ACCOUNT || this == API_KEY || this == SECOND || this == LOWER_CASE_SCHEME;
        }

        AccountSid account() {
            return this == SECOND ? LocalServer.SECOND : LocalServer.ACCOUNT;
        }

        List<Map.Entry<String, String>> headers() {
            String a = LocalServer.ACCOUNT.value();
            switch (this) {
                case ACCOUNT: return List.of(RawHttp.basic(a, LocalServer.TOKEN));
                case API_KEY: return List.of(RawHttp.basic(LocalServer.API_KEY.value(), LocalServer.API_SECRET));
                case SECOND: return List.of(RawHttp.basic(LocalServer.SECOND.value(), LocalServer.SECOND_TOKEN));
                case LOWER_CASE_SCHEME: return List.of(Map.entry("Authorization", "basic "
                        + b64(a.toUpperCase(Locale.ROOT) + ":" + LocalServer.TOKEN)));
                case WRONG_TOKEN: return List.of(RawHttp.basic(a, LocalServer.TOKEN + "x"));
                case OTHER_ACCOUNTS_TOKEN: return List.of(RawHttp.basic(a, LocalServer.SECOND_TOKEN));
                case UNKNOWN_USER: return List.of(RawHttp.basic("AC" + "9".repeat(32), LocalServer.TOKEN));
                case EMPTY_PASSWORD: return List.of(RawHttp.basic(a, ""));
                case NO_COLON: return List.of(Map.entry("Authorization", "Basic " + b64(a + LocalServer.TOKEN)));
                case NOT_BASE64: return List.of(Map.entry("Authorization", "Basic %%%not-base64@@"));
                case BEARER: return List.of(Map.entry("Authorization", "Bearer " + LocalServer.TOKEN));
                case BASIC_ALONE: return List.of(Map.entry("Authorization", "Basic"));
                case EMPTY_USER: return List.of(RawHttp.basic("", LocalServer.TOKEN));
                case HUGE: return List.of(Map.entry("Authorization", "Basic " + "QUFB".repeat(2500)));
                default: return List.of();
            }
        }
    }

    enum Encoding { CLEAN, RAW, LATIN1 }

    /** One generated request; strings may hold {@link #REF} markers. */
    record Req(String method, Auth auth, String resource, String sid, String weirdPath, List<String[]> query,
               Encoding queryEncoding, List<String[]> form, Encoding formEncoding, String contentType,
               boolean oversize, List<String[]> extraHeaders, AccountSid owner) {

        /** Whether an oracle can say the answer: a method and path as clients send them, nothing mangled. */
        boolean predictable() {
            return weirdPath == null && List.of("GET", "POST", "DELETE", "PUT", "PATCH").contains(method)
                    && queryEncoding == Encoding.CLEAN && auth != Auth.HUGE
                    && extraHeaders.stream().noneMatch(h -> h[0].equals("X-Filler"));
        }
    }

    @BeforeContainer
    static void start() throws Exception {
        server = new LocalServer();
        http = new RawHttp(server.vertx, server.verticle.actualPort(), 4);
        for (AccountSid account : List.of(LocalServer.ACCOUNT, LocalServer.SECOND, LocalServer.THIRD)) {
            records.put(account, new LinkedHashMap<>());
            mappings.put(account, new LinkedHashMap<>());
        }
    }

    @AfterContainer
    static void stop() throws Exception {
        System.out.printf("GeneratedRequestsTest: %d requests generated and sent, %d of them with a predicted answer,"
                        + " store compared with the model %d times; statuses %s; %d IP records and %d mappings left%n",
                sent.get(), predicted.get(), comparisons.get(), statuses,
                records.values().stream().mapToInt(Map::size).sum(),
                mappings.values().stream().mapToInt(Map::size).sum());
        http.close();
        server.close();
    }

    // ---------------------------------------------------------------------------------------------- properties

    @Property(tries = 2500)
    void everyAnswerIsASuccessOrATwilioErrorAndOnlySuccessesChangeTheStore(@ForAll("requests") Req req) {
        exchangeNoting(req);
    }

    @Property(tries = 400)
    void validCreatesAndDeletesKeepTheStoreEqualToTheModel(@ForAll("wellFormedWrites") Req req) {
        exchangeNoting(req);
    }

    /** The first failure, kept: shrinking goes on sending, and a later failure must not hide it. */
    static volatile String firstFailure;

    private static void exchangeNoting(Req req) {
        try {
            exchange(req);
        } catch (AssertionError | RuntimeException e) {
            if (firstFailure == null) {
                firstFailure = e.toString();
                System.out.println("GeneratedRequestsTest: first failure: " + firstFailure);
            }
            throw e;
        }
    }

    @AfterProperty
    void storeHoldsExactlyWhatTheSuccessfulCallsMade() {
        if (firstFailure != null) {
            throw new AssertionError("the model may be behind the store since an earlier failure: " + firstFailure);
        }
        comparisons.incrementAndGet();
        for (AccountSid account : records.keySet()) {
            assertSame("IP records of " + account, listAll(http, account, "/v1/IpRecords", "ip_records"),
                    records.get(account));
            assertSame("mappings of " + account, listAll(http, account, "/v1/SourceIpMappings", "source_ip_mappings"),
                    mappings.get(account));
            Set<String> mapped = new HashSet<>();
            for (JsonObject mapping : mappings.get(account).values()) {
                assertThat(records.get(account)).containsKey(mapping.getString("ip_record_sid"));
                assertThat(mapped.add(mapping.getString("ip_record_sid"))).as("one mapping per IP record").isTrue();
            }
        }
    }

    /** Store and model equal; else a message naming only what differs. */
    private static void assertSame(String what, Map<String, JsonObject> stored, Map<String, JsonObject> model) {
        List<String> differences = new ArrayList<>();
        for (String sid : stored.keySet()) {
            if (!model.containsKey(sid)) {
                differences.add("stored, not acknowledged: " + stored.get(sid));
            } else if (!model.get(sid).equals(stored.get(sid))) {
                differences.add("stored " + stored.get(sid) + " but acknowledged " + model.get(sid));
            }
        }
        for (String sid : model.keySet()) {
            if (!stored.containsKey(sid)) {
                differences.add("acknowledged, not stored: " + model.get(sid));
            }
        }
        assertThat(differences).as(what).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------- generators

    @Provide
    Arbitrary<Req> requests() {
        Arbitrary<String> method = Arbitraries.frequencyOf(
                Tuple.of(30, Arbitraries.of("GET")), Tuple.of(35, Arbitraries.of("POST")),
                Tuple.of(15, Arbitraries.of("DELETE")),
                Tuple.of(8, Arbitraries.of("PUT", "PATCH", "HEAD", "OPTIONS", "TRACE", "BREW", "get", "PROPFIND")));
        Arbitrary<Auth> auth = Arbitraries.frequencyOf(
                Tuple.of(50, Arbitraries.of(Auth.ACCOUNT)), Tuple.of(10, Arbitraries.of(Auth.API_KEY)),
                Tuple.of(10, Arbitraries.of(Auth.SECOND)), Tuple.of(3, Arbitraries.of(Auth.LOWER_CASE_SCHEME)),
                Tuple.of(20, Arbitraries.of(Auth.class).withoutEdgeCases()));
        Arbitrary<String> path = Arbitraries.frequencyOf(
                Tuple.of(40, Arbitraries.just("list")), Tuple.of(52, sidInPath().map(s -> "item:" + s)),
                Tuple.of(8, weirdPath().map(p -> "weird:" + p)));
        Arbitrary<Encoding> encoding = Arbitraries.frequencyOf(Tuple.of(8, Arbitraries.of(Encoding.CLEAN)),
                Tuple.of(1, Arbitraries.of(Encoding.RAW)), Tuple.of(1, Arbitraries.of(Encoding.LATIN1)));
        Arbitrary<List<String[]>> query = queryParameter().list().ofMaxSize(4);
        Arbitrary<List<String[]>> form = formField().list().ofMaxSize(5);
        Arbitrary<String> contentType = Arbitraries.frequencyOf(
                Tuple.of(70, Arbitraries.just(RawHttp.FORM)),
                Tuple.of(20, Arbitraries.of(RawHttp.FORM + "; charset=UTF-8", RawHttp.FORM + "; charset=ISO-8859-1",
                        RawHttp.FORM + "; charset=nonsense", "APPLICATION/X-WWW-FORM-URLENCODED",
                        RawHttp.FORM + ";charset=utf-8", RawHttp.FORM + "; boundary=x")),
                Tuple.of(10, Arbitraries.of("application/json", "text/plain", "multipart/form-data",
                        "multipart/form-data; boundary=zz", "/", "", "none", "application/octet-stream")));
        Arbitrary<List<String[]>> extra = Arbitraries.of(
                new String[] {"Accept", "application/xml"}, new String[] {"Accept", "*/*"},
                new String[] {"Origin", "https://evil.example"}, new String[] {"X-Filler", "f".repeat(9000)},
                new String[] {"Expect", "100-continue"}, new String[] {"Connection", "close"},
                new String[] {"Accept-Charset", "ISO-8859-1"}, new String[] {"X-Forwarded-Proto", "gopher"},
                new String[] {"Content-Encoding", "gzip"}).withoutEdgeCases().list().ofMaxSize(2);
        Arbitrary<Boolean> rarelyOversize = Arbitraries.integers().between(0, 49).withoutEdgeCases().map(i -> i == 0);
        Arbitrary<AccountSid> owner = Arbitraries.of(LocalServer.ACCOUNT, LocalServer.ACCOUNT, LocalServer.SECOND);
        Arbitrary<String> resource = Arbitraries.of(IL, IB);

        var head = Combinators.combine(method, auth, resource, path, owner).as(
                (m, a, r, p, o) -> new Object[] {m, a, r, p, o});
        var tail = Combinators.combine(query, encoding, form, encoding, contentType, rarelyOversize, extra).as(
                (q, qe, f, fe, ct, big, x) -> new Object[] {q, qe, f, fe, ct, big, x});
        return Combinators.combine(head, tail).as(GeneratedRequestsTest::req);
    }

    /** Mostly well-formed creates and deletes, so that the store grows and shrinks under the model's eye. */
    @Provide
    Arbitrary<Req> wellFormedWrites() {
        Arbitrary<String> ip = Combinators.combine(Arbitraries.integers().between(0, 255).list().ofSize(4),
                Arbitraries.just(0)).as((octets, x) -> octets.get(0) + "." + octets.get(1) + "." + octets.get(2)
                + "." + octets.get(3));
        Arbitrary<List<String[]>> recordForm = Combinators.combine(ip,
                Arbitraries.strings().withCharRange('a', 'z').ofMaxLength(20).injectNull(0.3),
                Arbitraries.integers().between(0, 32).injectNull(0.5)).as((a, n, c) -> {
                    List<String[]> f = new ArrayList<>();
                    f.add(new String[] {"IpAddress", a});
                    if (n != null) {
                        f.add(new String[] {"FriendlyName", n});
                    }
                    if (c != null) {
                        f.add(new String[] {"CidrPrefixLength", c.toString()});
                    }
                    return f;
                });
        Arbitrary<List<String[]>> mappingForm = Arbitraries.integers().between(0, 30).map(i -> List.of(
                new String[] {"IpRecordSid", REF + IL + ":" + i + ":l"}, new String[] {"SipDomainSid", "SD" + "7".repeat(32)}));
        Arbitrary<AccountSid> owner = Arbitraries.just(LocalServer.ACCOUNT);
        Arbitrary<Req> createRecord = Combinators.combine(recordForm, owner).as((f, o) -> new Req("POST", Auth.ACCOUNT,
                IL, null, null, List.of(), Encoding.CLEAN, f, Encoding.CLEAN, RawHttp.FORM, false, List.of(), o));
        Arbitrary<Req> createMapping = Combinators.combine(mappingForm, owner).as((f, o) -> new Req("POST",
                Auth.API_KEY, IB, null, null, List.of(), Encoding.CLEAN, f, Encoding.CLEAN, RawHttp.FORM, false,
                List.of(), o));
        Arbitrary<Req> delete = Combinators.combine(Arbitraries.of(IL, IB), Arbitraries.integers().between(0, 30))
                .as((r, i) -> new Req("DELETE", Auth.ACCOUNT, r, REF + r + ":" + i + ":l", null, List.of(),
                        Encoding.CLEAN, List.of(), Encoding.CLEAN, RawHttp.FORM, false, List.of(),
                        LocalServer.ACCOUNT));
        return Arbitraries.frequencyOf(Tuple.of(4, createRecord), Tuple.of(3, createMapping), Tuple.of(2, delete));
    }

    @SuppressWarnings("unchecked")
    private static Req req(Object[] h, Object[] t) {
        String path = (String) h[3];
        String sid = path.startsWith("item:") ? path.substring(5) : null;
        String weird = path.startsWith("weird:") ? path.substring(6) : null;
        return new Req((String) h[0], (Auth) h[1], (String) h[2], sid, weird, (List<String[]>) t[0],
                (Encoding) t[1], (List<String[]>) t[2], (Encoding) t[3], (String) t[4], (Boolean) t[5],
                (List<String[]>) t[6], (AccountSid) h[4]);
    }

    /** SIDs for the path: existing ones (of the owner, maybe in upper case), unknown, and malformed of every kind. */
    private static Arbitrary<String> sidInPath() {
        return Arbitraries.frequencyOf(
                Tuple.of(40, existingRef()),
                Tuple.of(10, hex(32).map(h -> "??" + h)), // "??" becomes the resource's own prefix
                Tuple.of(30, malformedSid()));
    }

    private static Arbitrary<String> existingRef() {
        return Combinators.combine(Arbitraries.of("own", IL, IB), Arbitraries.integers().between(0, 40),
                Arbitraries.of("l", "l", "l", "U")).as((kind, i, c) -> REF + kind + ":" + i + ":" + c);
    }

    private static Arbitrary<String> hex(int length) {
        return Arbitraries.strings().withChars("0123456789abcdefABCDEF").ofLength(length);
    }

    private static Arbitrary<String> malformedSid() {
        return Arbitraries.oneOf(
                Combinators.combine(Arbitraries.of(IL, IB, SD, "AC", "il", "ib", "Il", "XX", "", "I"),
                        Arbitraries.integers().between(0, 40).flatMap(GeneratedRequestsTest::hex))
                        .as((p, h) -> p + h),
                Combinators.combine(Arbitraries.of(IL, IB), hex(31),
                        Arbitraries.of("g", "G", "z", "-", "%20", "%00", "%2F", "%C3%A9", "%FF", "%", "%zz", ".",
                                "..", "~", "!", "$", "'", "(", ";", ",", "+", "*", "@", ":", "=", "%E2%80%AE"),
                        Arbitraries.integers().between(0, 31))
                        .as((p, h, bad, at) -> p + h.substring(0, at) + bad + h.substring(at)),
                Arbitraries.strings().withCharRange('!', '~').ofMaxLength(60)
                        .map(s -> URLEncoder.encode(s, StandardCharsets.UTF_8)),
                Arbitraries.of("", ".", "..", "IL" + "0".repeat(10_000), "%2e%2e", "IL" + "0".repeat(32) + "/extra",
                        "IL" + "0".repeat(32) + ".json", "IL" + "0".repeat(32) + "?"));
    }

    private static Arbitrary<String> weirdPath() {
        return Arbitraries.oneOf(
                Arbitraries.of("/", "/v1", "/v1/", "/v2/IpRecords", "/v1/iprecords", "/V1/IpRecords",
                        "/v1/IpRecords/", "/v1/SourceIpMappings/", "//v1/IpRecords", "/v1//IpRecords",
                        "/v1/IpRecords.json", "/v1/IpRecords/../SourceIpMappings", "/v1/./IpRecords",
                        "/v1/IpRecords%2F", "/v1/%49pRecords", "/v1/IpRecords;jsessionid=1", "/v1/IpRecords#frag",
                        "/2010-04-01/Accounts", "/v1/IpRecords/a/b/c", "*", "/" + "a".repeat(3000),
                        "/v1/IpRecords/" + "%41".repeat(900), "/v1/SourceIpMappings/IB%00", "/%", "/%%",
                        "/v1/IpRecords/%C0%AE%C0%AE", "/v1/IpRecords?"),
                Arbitraries.strings().withCharRange('!', '~').ofMaxLength(80).map(s -> "/" + s.replace(" ", "")
                        .replace("#", "")));
    }

    private static Arbitrary<String[]> queryParameter() {
        Arbitrary<String> name = Arbitraries.frequencyOf(
                Tuple.of(30, Arbitraries.of("PageSize")), Tuple.of(20, Arbitraries.of("Page")),
                Tuple.of(25, Arbitraries.of("PageToken")),
                Tuple.of(5, Arbitraries.of("pagesize", "pageSize", "Foo", "", "PageSize[]", "Page Size")));
        Arbitrary<String> value = Arbitraries.frequencyOf(
                Tuple.of(25, Arbitraries.integers().between(-3, 1003).map(String::valueOf)),
                Tuple.of(10, Arbitraries.of("0", "1", "50", "1000", "1001", "-1", "-0", "+5", "00050", "1e3", "1.0",
                        " 5", "5 ", "0x10", "\u0661", "\uff15", "", "null", "true", "NaN", "2147483648",
                        "9223372036854775807", "9223372036854775808", "-9223372036854775809",
                        "1" + "0".repeat(45), "%")),
                Tuple.of(25, Combinators.combine(Arbitraries.of("PA", "PB", "pa", "PC", "", "PAPA"), sidInPath())
                        .as((p, s) -> p + s)),
                Tuple.of(5, Arbitraries.strings().ofMaxLength(30).map(GeneratedRequestsTest::withoutRef)));
        return Combinators.combine(name, value).as((n, v) -> new String[] {n, v});
    }

    private static Arbitrary<String[]> formField() {
        Arbitrary<String> name = Arbitraries.frequencyOf(
                Tuple.of(25, Arbitraries.of("IpAddress")), Tuple.of(20, Arbitraries.of("FriendlyName")),
                Tuple.of(15, Arbitraries.of("CidrPrefixLength")), Tuple.of(20, Arbitraries.of("IpRecordSid")),
                Tuple.of(20, Arbitraries.of("SipDomainSid")),
                Tuple.of(5, Arbitraries.of("ipaddress", "Sid", "AccountSid", "", "IpAddress[]", "Friendly Name")));
        Arbitrary<String> ip = Arbitraries.oneOf(
                Arbitraries.integers().between(0, 255).list().ofSize(4).map(o -> o.get(0) + "." + o.get(1) + "."
                        + o.get(2) + "." + o.get(3)),
                Arbitraries.of("1.2.3.4", "0.0.0.0", "255.255.255.255", "256.1.1.1", "01.2.3.4", "1.2.3", "1.2.3.4.5",
                        " 1.2.3.4", "1.2.3.4 ", "1..2.3", "1.2.3.", "::1", "2001:db8::1", "1.2.3.-4", "+1.2.3.4",
                        "1.2.3.4/24", "localhost", "", "１.２.３.４", "1.2.3.4\u0000", "999999999999999.1.1.1"));
        Arbitrary<String> text = Arbitraries.strings().withCharRange(' ', '~').withCharRange('\u00a0', '\u00ff')
                .withCharRange('\u4e00', '\u4e10').withCharRange('\u0000', '\u001f').withChars('\u202e', '\ufeff')
                .ofMaxLength(300);
        Arbitrary<String> value = Arbitraries.frequencyOf(
                Tuple.of(20, ip),
                Tuple.of(15, text),
                Tuple.of(3, Arbitraries.of("😀".repeat(255), "😀".repeat(256), "x".repeat(5000), "é".repeat(255),
                        "x".repeat(256), "x".repeat(255))),
                Tuple.of(15, Arbitraries.integers().between(-2, 40).map(String::valueOf)),
                Tuple.of(3, Arbitraries.of("", "08", "032", "1.5", " 8", "0x8", "٣", "99999999999999999999")),
                Tuple.of(30, Arbitraries.oneOf(existingRef(), hex(32).map(h -> "IL" + h), hex(32).map(h -> "SD" + h),
                        malformedSid())));
        return Combinators.combine(name, value).as((n, v) -> new String[] {n, v});
    }

    private static String withoutRef(String s) {
        return s.replace(REF, '?');
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------------------------------------- sending

    private static void exchange(Req req) {
        AccountSid owner = req.owner();
        String prefix = req.resource();
        String base = prefix.equals(IL) ? "/v1/IpRecords" : "/v1/SourceIpMappings";
        String sid = req.sid() == null ? null : resolve(req.sid().replace("??", prefix), owner, prefix);
        String path = req.weirdPath() != null ? req.weirdPath() : sid == null ? base : base + "/" + sid;
        List<String[]> params = new ArrayList<>();
        for (String[] p : req.query()) {
            params.add(new String[] {p[0], resolve(p[1].replace("??", prefix), owner, prefix)});
        }
        String query = encode(params, req.queryEncoding());
        String uri = path + (query.isEmpty() ? "" : (path.contains("?") ? "&" : "?") + query);

        List<String[]> form = new ArrayList<>();
        for (String[] field : req.form()) {
            form.add(new String[] {field[0], resolve(field[1], owner, prefix)});
        }
        byte[] body = formBytes(form, req.formEncoding());
        if (req.oversize()) {
            body = ("IpAddress=1.2.3.4&FriendlyName=" + "x".repeat(20_000)).getBytes(StandardCharsets.US_ASCII);
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>(req.auth().headers());
        boolean sendsBody = !req.method().equals("GET") || !form.isEmpty() || req.oversize();
        if (!req.contentType().equals("none") && sendsBody) {
            headers.add(Map.entry("Content-Type", req.contentType()));
        }
        for (String[] h : req.extraHeaders()) {
            // Vert.x's client never completes a HEAD sent with Expect: 100-continue; the server answers it (checked
            // on a socket in ProtocolAbuseTest), so the pair is left out here
            if (!(req.method().equals("HEAD") && h[0].equals("Expect"))) {
                headers.add(Map.entry(h[0], h[1]));
            }
        }

        int requestLine = req.method().length() + uri.length() + " HTTP/1.1".length() + 1;
        Expected expected = !req.predictable() || requestLine > 4000 && requestLine <= 4200 ? null
                : requestLine > 4200 ? new Expected(414, 20001) : expect(req, sid, params, form, body);
        RawHttp.Answer answer;
        try {
            answer = http.send(req.method(), uri, headers, sendsBody ? body : null);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " with headers " + headers.stream()
                    .map(h -> h.getKey() + ": " + RawHttp.abbreviate(h.getValue())).toList() + " and a body of "
                    + (sendsBody ? body.length + " bytes" : "none"), e);
        }
        sent.incrementAndGet();
        statuses.computeIfAbsent(String.valueOf(answer.status()), s -> new AtomicInteger()).incrementAndGet();
        String what = req.method() + " " + RawHttp.abbreviate(uri) + " as " + req.auth() + " form " + describe(form)
                + " (" + req.contentType() + ", " + req.formEncoding() + ") -> " + answer;

        assertThat(answer.status()).as("never a 5xx: %s", what).isLessThan(500);
        if (!req.method().equals("HEAD")) {
            if (answer.status() >= 400) {
                JsonObject error = RawHttp.assertTwilioError(answer);
                assertThat(error.encode()).as(what).doesNotContain(LocalServer.TOKEN, LocalServer.SECOND_TOKEN,
                        LocalServer.API_SECRET);
            } else if (answer.status() != 204) {
                assertThat(answer.contentType()).as(what).isEqualTo("application/json");
            }
        }
        // the model first, so that a wrong prediction leaves it in step with the store
        if (answer.status() < 300 && req.auth().valid() && !req.method().equals("HEAD")) {
            follow(req, path, sid, form, answer, expected != null, what);
        }
        if (expected != null) {
            predicted.incrementAndGet();
            assertThat(answer.status()).as("predicted %s: %s", expected, what).isEqualTo(expected.status());
            if (expected.code() != 0) {
                assertThat(answer.json().getInteger("code")).as("predicted %s: %s", expected, what)
                        .isEqualTo(expected.code());
            }
        }
        if (sent.get() % 500 == 0) { // after the model has followed this answer
            new GeneratedRequestsTest().storeHoldsExactlyWhatTheSuccessfulCallsMade();
        }
    }

    /** Keeps the model in step with what the server acknowledged, checking each answer against the model. */
    private static void follow(Req req, String path, String sid, List<String[]> form, RawHttp.Answer answer,
                               boolean clean, String what) {
        AccountSid account = req.auth().account();
        int status = answer.status();
        JsonObject json = answer.body().length() == 0 ? new JsonObject() : answer.json();
        // Which resource answered: the body says, else the path as the router saw it (it resolves "..")
        String target = sid;
        boolean isRecord;
        if (json.containsKey("meta")) {
            isRecord = json.getJsonObject("meta").getString("key").equals("ip_records");
        } else if (json.containsKey("sid")) {
            isRecord = json.containsKey("ip_address");
        } else {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("/v1/(IpRecords|SourceIpMappings)/([^/?]+)")
                    .matcher(java.net.URI.create(path.replace("%", "%25")).normalize().getPath());
            assertThat(m.matches()).as("a 2xx for a path naming one resource: %s", what).isTrue();
            isRecord = m.group(1).equals("IpRecords");
            target = m.group(2);
        }
        Map<String, JsonObject> model = (isRecord ? records : mappings).get(account);
        String listKey = isRecord ? "ip_records" : "source_ip_mappings";
        clean = clean && req.weirdPath() == null;
        if (status == 201) {
            JsonObject created = answer.json();
            String newSid = created.getString("sid");
            assertThat(newSid).as(what).matches((isRecord ? IL : IB) + "[0-9a-f]{32}");
            assertThat(model).as("a new SID: %s", what).doesNotContainKey(newSid);
            if (isRecord) {
                assertThat(created.getString("account_sid")).isEqualTo(account.value());
                if (clean) {
                    assertThat(created.getString("ip_address")).as(what).isEqualTo(first(form, "IpAddress"));
                    assertThat(created.getString("friendly_name")).as(what).isEqualTo(first(form, "FriendlyName"));
                    String length = first(form, "CidrPrefixLength");
                    assertThat(created.getInteger("cidr_prefix_length")).as(what)
                            .isEqualTo(length == null || Integer.parseInt(length) == 0 ? 32 : Integer.parseInt(length));
                }
            } else {
                String record = created.getString("ip_record_sid");
                assertThat(records.get(account)).as("the mapped IP record exists: %s", what).containsKey(record);
                assertThat(model.values()).as("one mapping per IP record: %s", what)
                        .noneMatch(m -> m.getString("ip_record_sid").equals(record));
            }
            model.put(newSid, created);
        } else if (status == 204 && req.method().equals("DELETE")) {
            String gone = canonical(target);
            assertThat(model).as("deleted what existed: %s", what).containsKey(gone);
            if (isRecord) {
                assertThat(mappings.get(account).values()).as("deleted no mapped IP record: %s", what)
                        .noneMatch(m -> m.getString("ip_record_sid").equals(gone));
            }
            model.remove(gone);
        } else if (status == 200 && req.method().equals("POST") && json.containsKey("sid")) {
            JsonObject updated = json;
            String updatedSid = updated.getString("sid");
            JsonObject before = model.get(updatedSid);
            assertThat(before).as("updated what existed: %s", what).isNotNull();
            assertThat(updated.getString("date_created")).isEqualTo(before.getString("date_created"));
            if (isRecord) {
                assertThat(updated.getString("ip_address")).isEqualTo(before.getString("ip_address"));
            } else {
                assertThat(updated.getString("ip_record_sid")).isEqualTo(before.getString("ip_record_sid"));
            }
            model.put(updatedSid, updated);
        } else if (status == 200 && req.method().equals("GET") && json.containsKey("sid")) {
            JsonObject fetched = json;
            assertThat(fetched).as("fetched as last acknowledged: %s", what)
                    .isEqualTo(model.get(fetched.getString("sid")));
        } else if (status == 200 && req.method().equals("GET") && json.containsKey("meta")) {
            JsonObject page = json;
            assertThat(page.getJsonObject("meta").fieldNames()).as(what).containsExactlyInAnyOrder("page",
                    "page_size", "key", "url", "first_page_url", "previous_page_url", "next_page_url");
            if (page.containsKey(listKey)) {
                for (Object item : page.getJsonArray(listKey)) {
                    JsonObject listed = (JsonObject) item;
                    assertThat(listed).as("listed as last acknowledged: %s", what)
                            .isEqualTo(model.get(listed.getString("sid")));
                }
            }
        }
    }

    private static String canonical(String sid) {
        return sid.substring(0, 2) + sid.substring(2).toLowerCase(Locale.ROOT);
    }

    /** Replaces a {@link #REF} marker by the SID it stands for, or an unknown SID when there are too few. */
    private static String resolve(String value, AccountSid owner, String resourcePrefix) {
        int at = value.indexOf(REF);
        if (at < 0) {
            return value;
        }
        String[] parts = value.substring(at + 1).split(":");
        String kind = parts[0].equals("own") ? resourcePrefix : parts[0];
        int index = Integer.parseInt(parts[1]);
        List<String> sids = new ArrayList<>((kind.equals(IL) ? records : mappings).get(owner).keySet());
        String sid = index < sids.size() ? sids.get(index) : kind + String.format("%032x", 0xdead0000L + index);
        if (parts[2].equals("U")) {
            sid = kind + sid.substring(2).toUpperCase(Locale.ROOT);
        }
        return value.substring(0, at) + sid;
    }

    private static String encode(List<String[]> params, Encoding encoding) {
        List<String> pairs = new ArrayList<>();
        for (String[] p : params) {
            String value = p[1];
            if (encoding == Encoding.CLEAN) {
                pairs.add(URLEncoder.encode(p[0], StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(value, StandardCharsets.UTF_8));
            } else if (encoding == Encoding.LATIN1) {
                pairs.add(URLEncoder.encode(p[0], StandardCharsets.ISO_8859_1) + "="
                        + URLEncoder.encode(value, StandardCharsets.ISO_8859_1));
            } else {
                // raw: only what would break the request line is escaped, so '%', '&' and '=' arrive as they are
                pairs.add((p[0] + "=" + value).replace(" ", "%20").replace("#", "%23")
                        .chars().mapToObj(c -> c < 0x21 || c > 0x7e ? "%" + String.format("%02X", c & 0xff)
                                : String.valueOf((char) c)).reduce("", String::concat));
            }
        }
        return String.join("&", pairs);
    }

    private static byte[] formBytes(List<String[]> form, Encoding encoding) {
        if (encoding == Encoding.RAW) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = 0; i < form.size(); i++) {
                if (i > 0) {
                    out.write('&');
                }
                // raw: unescaped, and in ISO-8859-1 so that non-ASCII arrives as bytes that are not UTF-8
                out.writeBytes((form.get(i)[0] + "=" + form.get(i)[1]).getBytes(StandardCharsets.ISO_8859_1));
            }
            return out.toByteArray();
        }
        Charset charset = encoding == Encoding.CLEAN ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1;
        List<String> pairs = new ArrayList<>();
        for (String[] f : form) {
            pairs.add(URLEncoder.encode(f[0], charset) + "=" + URLEncoder.encode(f[1], charset));
        }
        return String.join("&", pairs).getBytes(StandardCharsets.US_ASCII);
    }

    private static String first(List<String[]> form, String name) {
        return form.stream().filter(f -> f[0].equals(name)).map(f -> f[1]).findFirst().orElse(null);
    }

    private static String describe(List<String[]> form) {
        StringBuilder text = new StringBuilder("{");
        for (String[] f : form) {
            text.append(f[0]).append('=').append(RawHttp.abbreviate(f[1]).replace("\u0000", "\\0")).append(' ');
        }
        return text.append('}').toString();
    }

    // ---------------------------------------------------------------------------------------------- the oracle

    record Expected(int status, int code) {
    }

    /** What Twilio (WIRE.md) answers to a request clients could send, before it is sent. */
    private static Expected expect(Req req, String sid, List<String[]> query, List<String[]> form, byte[] body) {
        if (sid != null && sid.contains("%")) {
            return null; // a malformed percent-escape in the path is the router's 400, before authentication
        }
        if (!req.auth().valid()) {
            return new Expected(401, 20003);
        }
        if (body.length > 16 * 1024 && (!req.method().equals("GET") || req.oversize() || !form.isEmpty())) {
            return new Expected(413, 20001);
        }
        AccountSid account = req.auth().account();
        boolean isRecord = req.resource().equals(IL);
        String method = req.method();
        boolean formTyped = req.contentType().toLowerCase(Locale.ROOT).startsWith(RawHttp.FORM);
        if (req.formEncoding() != Encoding.CLEAN && formTyped && !method.equals("GET")
                || req.contentType().toLowerCase(Locale.ROOT).startsWith("multipart/") && !method.equals("GET")) {
            // a malformed form, or urlencoded bytes sent as multipart, may be refused (400) before the method (405)
            // or the SID (404) is looked at
            return null;
        }
        List<String[]> fields = formTyped && !method.equals("GET") ? form : List.of();
        if (fields.stream().anyMatch(f -> f[0].isEmpty())) {
            return new Expected(400, 20001); // ours: Netty's form decoder refuses a field without a name
        }
        if (sid == null) {
            switch (method) {
                case "GET": return expectPage(query, isRecord ? IL : IB);
                case "POST": return isRecord ? expectCreateRecord(fields) : expectCreateMapping(fields, account);
                default: return new Expected(405, 20004);
            }
        }
        String prefix = isRecord ? IL : IB;
        if (sid.isEmpty() || sid.contains(".") || sid.contains("/") || sid.contains("%")) {
            // the router resolves dot segments, so the path may name the list or another route; and it refuses a
            // malformed percent-escape in the path with its own 400 before any route
            return null;
        }
        if (method.equals("PUT") || method.equals("PATCH")) {
            return new Expected(405, 20004);
        }
        if (!Sid.isWellFormed(prefix, sid)) {
            return new Expected(404, 20404);
        }
        Map<String, JsonObject> model = (isRecord ? records : mappings).get(account);
        boolean exists = model.containsKey(canonical(sid));
        switch (method) {
            case "GET":
                return exists ? new Expected(200, 0) : new Expected(404, 20404);
            case "POST":
                if (isRecord) {
                    String name = first(fields, "FriendlyName");
                    if (name != null && name.codePointCount(0, name.length()) > 255) {
                        return new Expected(400, 20001);
                    }
                } else if (!wellFormed(SD, first(fields, "SipDomainSid"))) {
                    return new Expected(400, 20001);
                }
                return exists ? new Expected(200, 0) : new Expected(404, 20404);
            default: // DELETE
                if (!exists) {
                    return new Expected(404, 20404);
                }
                boolean mapped = isRecord && mappings.get(account).values().stream()
                        .anyMatch(m -> m.getString("ip_record_sid").equals(canonical(sid)));
                return mapped ? new Expected(409, 20409) : new Expected(204, 0);
        }
    }

    private static Expected expectPage(List<String[]> query, String prefix) {
        String size = firstQuery(query, "PageSize");
        String page = firstQuery(query, "Page");
        String token = firstQuery(query, "PageToken");
        if (size != null) {
            if (!size.matches("-?[0-9]{1,39}") || new java.math.BigInteger(size).signum() < 1) {
                return new Expected(400, 20001);
            }
            if (new java.math.BigInteger(size).compareTo(java.math.BigInteger.valueOf(1000)) > 0) {
                return new Expected(400, 20007);
            }
        }
        if (page != null && (!page.matches("-?[0-9]{1,39}") || new java.math.BigInteger(page).signum() < 0
                || new java.math.BigInteger(page).compareTo(java.math.BigInteger.valueOf(Long.MAX_VALUE)) > 0)) {
            return new Expected(400, 20001);
        }
        if (token != null && !token.isEmpty() && !(token.length() == 36
                && (token.startsWith("PA") || token.startsWith("PB")) && Sid.isWellFormed(prefix, token.substring(2)))) {
            return new Expected(400, 21481);
        }
        return new Expected(200, 0);
    }

    private static String firstQuery(List<String[]> query, String name) {
        return query.stream().filter(q -> q[0].equals(name)).map(q -> q[1]).findFirst().orElse(null);
    }

    private static Expected expectCreateRecord(List<String[]> fields) {
        String address = first(fields, "IpAddress");
        String name = first(fields, "FriendlyName");
        String length = first(fields, "CidrPrefixLength");
        boolean valid = address != null && address.matches("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}"
                + "(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])")
                && (name == null || name.codePointCount(0, name.length()) <= 255)
                && (length == null || length.matches("[0-9]{1,2}") && Integer.parseInt(length) <= 32); // 0 means 32
        return valid ? new Expected(201, 0) : new Expected(400, 20001);
    }

    private static Expected expectCreateMapping(List<String[]> fields, AccountSid account) {
        String record = first(fields, "IpRecordSid");
        if (!wellFormed(IL, record) || !wellFormed(SD, first(fields, "SipDomainSid"))) {
            return new Expected(400, 20001);
        }
        String canonical = canonical(record);
        if (!records.get(account).containsKey(canonical)) {
            return new Expected(400, 20001);
        }
        boolean mapped = mappings.get(account).values().stream()
                .anyMatch(m -> m.getString("ip_record_sid").equals(canonical));
        return mapped ? new Expected(409, 20409) : new Expected(201, 0);
    }

    private static boolean wellFormed(String prefix, String value) {
        return value != null && !value.isEmpty() && Sid.isWellFormed(prefix, value);
    }

    // ---------------------------------------------------------------------------------------------- listing

    /** Every record of the account, by walking next_page_url from a first page of 1000. */
    static Map<String, JsonObject> listAll(RawHttp http, AccountSid account, String path, String key) {
        Map<String, JsonObject> all = new LinkedHashMap<>();
        String token = account.equals(LocalServer.SECOND) ? LocalServer.SECOND_TOKEN
                : account.equals(LocalServer.THIRD) ? LocalServer.THIRD_TOKEN : LocalServer.TOKEN;
        String uri = path + "?PageSize=1000";
        for (int pages = 0; uri != null; pages++) {
            assertThat(pages).as("pages of %s", path).isLessThan(100);
            RawHttp.Answer answer = http.get(uri, account.value(), token);
            assertThat(answer.status()).as("%s", answer).isEqualTo(200);
            JsonObject page = answer.json();
            JsonArray items = page.getJsonArray(key);
            for (Object item : items) {
                JsonObject json = (JsonObject) item;
                assertThat(all.put(json.getString("sid"), json)).as("listed once").isNull();
            }
            String next = page.getJsonObject("meta").getString("next_page_url");
            uri = next == null ? null : next.substring(next.indexOf("/v1/"));
        }
        return all;
    }
}

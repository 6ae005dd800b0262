package io.sipmap.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.adapter.http.server.SipmapVerticle;
import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.CreateSourceIpMapping;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ChangeId;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Ipv6Address;
import io.sipmap.domain.IpPrefix;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.service.ChangeFeedService;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.ResolutionService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.SidGenerator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /sipmap/v1/Exports/Addresses} and {@code /sipmap/v1/Exports/Kamailio} on a real socket: their order makes
 * the first entry containing an address (Kamailio's rule: exact /32 addresses first, then subnets in file order)
 * the answer of {@code /sipmap/v1/Resolve}, for random overlapping records including equal networks; their tags
 * answer 304 when nothing they show changed; bad groups are Twilio errors.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ExportsTest {

    static final AccountSid ACCOUNT = new AccountSid("AC" + "e5".repeat(16));
    static final String TOKEN = "token-e";

    private Vertx vertx;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private IpRecordService ipRecords;
    private SourceIpMappingService mappings;
    private InMemoryStores stores;
    private String base;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        stores = InMemoryStores.create();
        Clock clock = Clock.systemUTC();
        SidGenerator sids = SidGenerator.timeOrdered(clock, new SecureRandom()::nextLong);
        ipRecords = new IpRecordService(stores.ipRecords(), clock, sids);
        mappings = new SourceIpMappingService(stores.sourceIpMappings(), clock, sids);
        SipmapVerticle verticle = new SipmapVerticle(mappings, ipRecords, new ResolutionService(stores.resolutions()),
                new ChangeFeedService(stores.changes()), SipmapServerOptions.of(Credentials.of(ACCOUNT, TOKEN))
                        .withPort(0));
        vertx.deployVerticle(verticle).await(10, TimeUnit.SECONDS);
        base = "http://127.0.0.1:" + verticle.actualPort();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().await(20, TimeUnit.SECONDS);
    }

    private HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        (ACCOUNT.value() + ":" + TOKEN).getBytes(StandardCharsets.UTF_8)));
        headers.forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private IpRecord record(String address, int length) {
        return ipRecords.create(ACCOUNT, new CreateIpRecord(Ipv4Address.parse(address), null, length))
                .toCompletableFuture().join();
    }

    private void map(IpRecord record, SipDomainSid domain) {
        mappings.create(ACCOUNT, new CreateSourceIpMapping(record.sid(), domain)).toCompletableFuture().join();
    }

    private static SipDomainSid domain(int n) {
        return new SipDomainSid(String.format("SD%032x", n));
    }

    @Test
    void theFirstEntryContainingAnAddressIsWhatResolveAnswersForRandomOverlappingRecords() throws Exception {
        Random random = new Random(20261201L);
        for (int round = 0; round < 4; round++) {
            start(); // a fresh server and store per round
            List<IpPrefix> prefixes = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int length = new int[] {8, 12, 16, 20, 24, 24, 28, 30, 32, 32}[random.nextInt(10)];
                // all inside 10.0.0.0/12 so that they overlap; host bits set at random, so equal networks recur
                int bits = 0x0A000000 | random.nextInt(1 << 20) & (random.nextBoolean() ? 0xFFFF0000 : 0xFFFFFFFF);
                if (!prefixes.isEmpty() && random.nextInt(5) == 0) {
                    IpPrefix same = prefixes.get(random.nextInt(prefixes.size())); // the same network again
                    bits = ((Ipv4Address) same.network()).bits() | random.nextInt(1 << (32 - same.length())) & ~IpPrefix.mask(
                            same.length());
                    length = same.length();
                }
                IpPrefix prefix = new IpPrefix(new Ipv4Address(bits), length);
                prefixes.add(prefix);
                IpRecord record = record(prefix.address().toString(), length);
                if (random.nextInt(6) != 0) {
                    map(record, domain(random.nextInt(5)));
                }
            }
            JsonArray entries = new JsonObject(get("/sipmap/v1/Exports/Addresses", Map.of()).body())
                    .getJsonArray("entries");
            List<String[]> lines = get("/sipmap/v1/Exports/Kamailio", Map.of()).body().lines()
                    .map(line -> line.split(" ")).toList();
            for (int i = 0; i < 60; i++) {
                IpPrefix near = prefixes.get(random.nextInt(prefixes.size()));
                int address = random.nextBoolean()
                        ? ((Ipv4Address) near.network()).bits() | random.nextInt() & ~IpPrefix.mask(near.length())
                        : 0x0A000000 | random.nextInt(1 << 20);
                String ip = new Ipv4Address(address).toString();
                JsonObject resolved = new JsonObject(get("/sipmap/v1/Resolve?IpAddress=" + ip, Map.of()).body())
                        .getJsonObject("resolution");
                JsonObject first = firstMatch(entries, address);
                if (resolved == null) {
                    assertThat(first).as(ip).isNull();
                    assertThat(kamailio(lines, address)).as(ip).isNull();
                } else {
                    assertThat(first).as(ip).isNotNull();
                    assertThat(first.getString("ip_record_sid")).as(ip).isEqualTo(resolved.getString("ip_record_sid"));
                    assertThat(first.getString("ip_record_address")).as(ip)
                            .isEqualTo(resolved.getString("ip_address"));
                    assertThat(first.getString("source_ip_mapping_sid")).isEqualTo(
                            resolved.getString("source_ip_mapping_sid"));
                    assertThat(kamailio(lines, address)).as(ip).isEqualTo(resolved.getString("sip_domain_sid"));
                }
            }
            stop();
        }
        start(); // for the @AfterEach
    }

    private static JsonObject firstMatch(JsonArray entries, int address) {
        for (int i = 0; i < entries.size(); i++) {
            JsonObject entry = entries.getJsonObject(i);
            IpPrefix prefix = new IpPrefix(Ipv4Address.parse(entry.getString("ip_address")),
                    entry.getInteger("cidr_prefix_length"));
            if (prefix.contains(new Ipv4Address(address))) {
                return entry;
            }
        }
        return null;
    }

    /** The tag Kamailio's permissions module matches: exact (/32) addresses first, then subnets in load order. */
    private static String kamailio(List<String[]> lines, int address) {
        for (String[] line : lines) {
            if (line[2].equals("32") && Ipv4Address.parse(line[1]).bits() == address) {
                return line[4];
            }
        }
        for (String[] line : lines) {
            if (!line[2].equals("32") && new IpPrefix(Ipv4Address.parse(line[1]), Integer.parseInt(line[2]))
                    .contains(new Ipv4Address(address))) {
                return line[4];
            }
        }
        return null;
    }

    @Test
    void withIpv6BesideIpv4TheFirstEntryContainingAnAddressIsWhatResolveAnswers() throws Exception {
        Random random = new Random(20261207L);
        List<IpPrefix> prefixes = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            IpPrefix prefix;
            if (!prefixes.isEmpty() && random.nextInt(5) == 0) {
                prefix = prefixes.get(random.nextInt(prefixes.size())); // the same network again, as given
            } else if (random.nextBoolean()) {
                int length = new int[] {8, 16, 24, 28, 32}[random.nextInt(5)];
                prefix = new IpPrefix(new Ipv4Address(0x0A000000 | random.nextInt(1 << 16)), length);
            } else {
                // all inside 2001:db8::/32 so that they nest; host bits set at random
                int length = new int[] {32, 40, 48, 56, 64, 96, 120, 128, 128}[random.nextInt(9)];
                prefix = new IpPrefix(new Ipv6Address(0x20010db8_00000000L | random.nextInt(1 << 12) << 8,
                        random.nextBoolean() ? 0 : random.nextInt(1 << 8)), length);
            }
            prefixes.add(prefix);
            IpRecord record = ipRecords.create(ACCOUNT, new CreateIpRecord(prefix.address(), null, prefix.length()))
                    .toCompletableFuture().join();
            if (random.nextInt(6) != 0) {
                map(record, domain(random.nextInt(5)));
            }
        }
        JsonArray entries = new JsonObject(get("/sipmap/v1/Exports/Addresses", Map.of()).body())
                .getJsonArray("entries");
        assertThat(entries.stream().map(e -> ((JsonObject) e).getString("ip_address")))
                .as("IPv4 entries first, IPv6 ones after").anyMatch(a -> a.contains(":"))
                .isSortedAccordingTo(java.util.Comparator.comparing(a -> a.contains(":")));
        List<String[]> lines = get("/sipmap/v1/Exports/Kamailio", Map.of()).body().lines()
                .map(line -> line.split(" ")).toList();
        int matched = 0;
        for (int i = 0; i < 200; i++) {
            IpPrefix near = prefixes.get(random.nextInt(prefixes.size()));
            IpAddress address = near.address() instanceof Ipv6Address
                    ? randomIn(near, random) : new Ipv4Address(((Ipv4Address) near.network()).bits()
                    | random.nextInt() & ~IpPrefix.mask(near.length()));
            String ip = address.toString();
            JsonObject resolved = new JsonObject(get("/sipmap/v1/Resolve?IpAddress=" + ip, Map.of()).body())
                    .getJsonObject("resolution");
            JsonObject first = firstMatch(entries, address);
            if (resolved == null) {
                assertThat(first).as(ip).isNull();
                assertThat(kamailio(lines, address)).as(ip).isNull();
                continue;
            }
            matched++;
            assertThat(first).as(ip).isNotNull();
            assertThat(first.getString("ip_record_sid")).as(ip).isEqualTo(resolved.getString("ip_record_sid"));
            assertThat(first.getString("ip_record_address")).as(ip).isEqualTo(resolved.getString("ip_address"));
            assertThat(kamailio(lines, address)).as(ip).isEqualTo(resolved.getString("sip_domain_sid"));
        }
        assertThat(matched).isGreaterThan(100);
    }

    /** An address inside an IPv6 prefix: its network with random host bits. */
    private static IpAddress randomIn(IpPrefix prefix, Random random) {
        Ipv6Address network = (Ipv6Address) prefix.network();
        return new Ipv6Address(network.high() | random.nextLong() & ~IpPrefix.highMask(prefix.length()),
                network.low() | random.nextLong() & ~IpPrefix.lowMask(prefix.length()));
    }

    private static JsonObject firstMatch(JsonArray entries, IpAddress address) {
        for (int i = 0; i < entries.size(); i++) {
            JsonObject entry = entries.getJsonObject(i);
            if (new IpPrefix(IpAddress.parse(entry.getString("ip_address")), entry.getInteger("cidr_prefix_length"))
                    .contains(address)) {
                return entry;
            }
        }
        return null;
    }

    /** Kamailio's rule over both families: exact addresses (/32, /128) first, then subnets in load order. */
    private static String kamailio(List<String[]> lines, IpAddress address) {
        for (String[] line : lines) {
            IpAddress lineAddress = IpAddress.parse(line[1]);
            if (Integer.parseInt(line[2]) == lineAddress.bitLength() && lineAddress.equals(address)) {
                return line[4];
            }
        }
        for (String[] line : lines) {
            IpAddress lineAddress = IpAddress.parse(line[1]);
            if (Integer.parseInt(line[2]) != lineAddress.bitLength()
                    && new IpPrefix(lineAddress, Integer.parseInt(line[2])).contains(address)) {
                return line[4];
            }
        }
        return null;
    }

    @Test
    void exportsAreNetworksInFirstMatchOrderWithTheChangeTheyReflect() throws Exception {
        HttpResponse<String> empty = get("/sipmap/v1/Exports/Kamailio", Map.of());
        assertThat(empty.statusCode()).isEqualTo(200);
        assertThat(empty.body()).isEmpty();
        assertThat(empty.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");
        assertThat(new JsonObject(get("/sipmap/v1/Exports/Addresses", Map.of()).body())).isEqualTo(
                new JsonObject().put("last_event_id", "0").put("entries", new JsonArray()));

        IpRecord wide = record("10.1.2.3", 16);
        IpRecord older = record("10.1.2.9", 24);
        IpRecord newer = record("10.1.2.200", 24);
        IpRecord single = record("10.1.2.3", 32);
        map(wide, domain(1));
        map(newer, domain(3));
        map(older, domain(2));
        map(single, domain(4));

        HttpResponse<String> kamailio = get("/sipmap/v1/Exports/Kamailio?Group=7", Map.of());
        assertThat(kamailio.body()).isEqualTo("7 10.1.2.3 32 0 " + domain(4) + "\n"
                + "7 10.1.2.0 24 0 " + domain(2) + "\n"
                + "7 10.1.0.0 16 0 " + domain(1) + "\n");
        // the head change's id as the feed names it, tag included
        String head = stores.changes().changesAfter(ACCOUNT, ChangeId.ZERO, 1).toCompletableFuture().join().head()
                .toString();
        assertThat(head).matches("8-[0-9a-f]{8}");
        assertThat(kamailio.headers().firstValue("Sipmap-Last-Event-Id")).hasValue(head);
        JsonObject addresses = new JsonObject(get("/sipmap/v1/Exports/Addresses", Map.of()).body());
        assertThat(addresses.getString("last_event_id")).isEqualTo(head);
        assertThat(addresses.getJsonArray("entries").stream().map(e -> ((JsonObject) e).getString("ip_record_sid")))
                .containsExactly(single.sid().value(), older.sid().value(), newer.sid().value(), wide.sid().value());
        assertThat(addresses.getJsonArray("entries").getJsonObject(1)).isEqualTo(new JsonObject()
                .put("ip_address", "10.1.2.0").put("cidr_prefix_length", 24)
                .put("ip_record_sid", older.sid().value()).put("ip_record_address", "10.1.2.9")
                .put("source_ip_mapping_sid", addresses.getJsonArray("entries").getJsonObject(1)
                        .getString("source_ip_mapping_sid"))
                .put("sip_domain_sid", domain(2).value()));
    }

    @Test
    void aMatchingIfNoneMatchIsAnswered304UntilWhatTheExportShowsChanges() throws Exception {
        IpRecord record = record("192.0.2.0", 24);
        map(record, domain(1));
        HttpResponse<String> first = get("/sipmap/v1/Exports/Kamailio", Map.of());
        String tag = first.headers().firstValue("ETag").orElseThrow();
        assertThat(tag).matches("\"[0-9a-f]{32}\"");
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("private, no-cache");

        HttpResponse<String> again = get("/sipmap/v1/Exports/Kamailio", Map.of("If-None-Match", tag));
        assertThat(again.statusCode()).isEqualTo(304);
        assertThat(again.body()).isEmpty();
        assertThat(again.headers().firstValue("ETag")).hasValue(tag);
        assertThat(get("/sipmap/v1/Exports/Kamailio", Map.of("If-None-Match", "\"other\", W/" + tag)).statusCode())
                .isEqualTo(304);
        assertThat(get("/sipmap/v1/Exports/Kamailio?Group=2", Map.of("If-None-Match", tag)).statusCode())
                .as("another group is another file").isEqualTo(200);

        String jsonTag = get("/sipmap/v1/Exports/Addresses", Map.of()).headers().firstValue("ETag").orElseThrow();
        assertThat(get("/sipmap/v1/Exports/Addresses", Map.of("If-None-Match", jsonTag)).statusCode()).isEqualTo(304);

        // a friendly name is not in the address file, but the JSON's last_event_id moves
        ipRecords.update(ACCOUNT, record.sid(), new io.sipmap.api.UpdateIpRecord("renamed")).toCompletableFuture()
                .join();
        assertThat(get("/sipmap/v1/Exports/Kamailio", Map.of("If-None-Match", tag)).statusCode()).isEqualTo(304);
        assertThat(get("/sipmap/v1/Exports/Addresses", Map.of("If-None-Match", jsonTag)).statusCode()).isEqualTo(200);

        map(record("192.0.2.7", 32), domain(2));
        HttpResponse<String> changed = get("/sipmap/v1/Exports/Kamailio", Map.of("If-None-Match", tag));
        assertThat(changed.statusCode()).isEqualTo(200);
        assertThat(changed.headers().firstValue("ETag")).isNotEqualTo(java.util.Optional.of(tag));
        assertThat(changed.body()).startsWith("1 192.0.2.7 32 0 " + domain(2));
    }

    @Test
    void aBadGroupOrNoCredentialsIsATwilioError() throws Exception {
        for (String bad : new String[] {"0", "-1", "abc", "2147483648", "", "1.0"}) {
            HttpResponse<String> refused = get("/sipmap/v1/Exports/Kamailio?Group=" + bad, Map.of());
            assertThat(refused.statusCode()).as(bad).isEqualTo(400);
            JsonObject error = new JsonObject(refused.body());
            assertThat(error.getInteger("code")).isEqualTo(20001);
            assertThat(error.getString("message")).startsWith("Invalid Group");
        }
        assertThat(get("/sipmap/v1/Exports/Kamailio?Group=2147483647", Map.of()).statusCode()).isEqualTo(200);
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(base
                + "/sipmap/v1/Exports/Addresses")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(new JsonObject(anonymous.body()).getInteger("code")).isEqualTo(20003);
        for (String path : new String[] {"/sipmap/v1/Exports/Addresses", "/sipmap/v1/Exports/Kamailio"}) {
            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                            (ACCOUNT.value() + ":" + TOKEN).getBytes(StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).as(path).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).as(path).contains("GET");
        }
    }
}

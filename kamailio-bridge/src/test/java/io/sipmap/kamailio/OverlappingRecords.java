package io.sipmap.kamailio;

import io.sipmap.testsupport.Calls;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * IP records and mappings of one account that overlap in every way the resolution rule decides, created through a
 * running server's REST API, and the loopback source addresses that tell them apart. All inside 127.0.0.0/8; or, for
 * IPv6 ({@link #createIpv6()}), inside fd00:5::/32, which only a {@link NetworkNamespace} of the tests holds.
 */
final class OverlappingRecords {

    /** The source addresses probed: in each record, on its edges, between them, and in none. */
    static final List<String> PROBES = List.of(
            "127.10.0.1", "127.10.255.254", "127.10.1.7", "127.10.1.8", "127.10.1.0", "127.10.1.127",
            "127.10.1.130", "127.10.1.255", "127.10.2.1", "127.10.2.99", "127.10.3.3", "127.10.3.4", "127.10.4.5",
            "127.10.127.255", "127.10.128.0", "127.10.200.1", "127.13.0.1", "127.12.0.0", "127.11.0.1",
            "127.9.255.255", "127.0.0.1");

    /**
     * The IPv6 source addresses probed (and three IPv4 ones): in each record, on its edges (a /65 and a /49 split a
     * group of 16 bits), between them, in none. None is the namespace's own address, fd00:5::1.
     */
    static final List<String> IPV6_PROBES = List.of(
            "fd00:5:1::1", "fd00:5:1:7fff:ffff:ffff:ffff:ffff", "fd00:5:1:8000::1", "fd00:5:1:ffff:ffff:ffff:ffff:ffff",
            "fd00:5:1:100::1", "fd00:5:1:1ff:ffff:ffff:ffff:ffff", "fd00:5:1:1ab::1", "fd00:5:1:1ab::7",
            "fd00:5:1:1ab::8", "fd00:5:1:1ab::9", "fd00:5:1:1ab:7fff:ffff:ffff:ffff", "fd00:5:1:1ab:8000::",
            "fd00:5:1:1ab:ffff:ffff:ffff:ffff", "fd00:5:1:1ac::1", "fd00:5:1:2::1", "fd00:5:1:2::99",
            "fd00:5:1:3::3", "fd00:5:1:3::4", "fd00:5:1:4::5", "fd00:5:0:ffff:ffff:ffff:ffff:ffff", "fd00:5:2::1",
            "fd00:5:7fff::1", "fd00:5:8000::1", "fd00:5:ffff:ffff::1", "fd00:6::1", "fd00:5::2",
            "127.10.1.7", "127.10.9.9", "127.11.0.1");

    private final Calls calls;
    private final String baseUrl;
    /** IP record SID by name, in creation order. */
    final Map<String, String> records = new LinkedHashMap<>();
    /** Mapping SID by record name. */
    final Map<String, String> mappings = new LinkedHashMap<>();

    OverlappingRecords(Calls calls, String baseUrl) {
        this.calls = calls;
        this.baseUrl = baseUrl;
    }

    static String sipDomain(char letter) {
        return "SD" + String.valueOf(letter).repeat(2) + "0".repeat(30);
    }

    /**
     * Creates, oldest first: a /16 with a /24 and a /32 inside, a /25 inside the /24 (given with host bits), two
     * records of one /24 network (the second with host bits) and two of one /32 address mapped to different domains
     * (the older must win both), an unmapped /24 inside the /16, a /17 in the /16's upper half, and a /14 apart.
     */
    OverlappingRecords create() throws Exception {
        mapped("wide", "127.10.0.0", 16, 'a');
        mapped("office", "127.10.1.0", 24, 'b');
        mapped("pbx", "127.10.1.7", 32, 'c');
        mapped("upper-half-of-office", "127.10.1.200", 25, 'd');
        mapped("lab-old", "127.10.2.0", 24, 'e');
        mapped("lab-new", "127.10.2.99", 24, 'f');
        mapped("host-old", "127.10.3.3", 32, 'e');
        mapped("host-new", "127.10.3.3", 32, 'f');
        record("unmapped", "127.10.4.0", 24);
        mapped("upper", "127.10.128.0", 17, '7');
        mapped("apart", "127.12.0.0", 14, '9');
        return this;
    }

    /**
     * Creates the IPv6 counterpart of {@link #create()}, oldest first: a /48 with a /56, a /64 and a /128 nested
     * inside (the /56 given with host bits), a /65 in the /64's upper half; two records of one /64 (the second with
     * host bits) and two of one /128 (spelt differently) mapped to different domains, the older winning both; an
     * unmapped /64 inside the /48, a /49 in its upper half and a /33 apart. Also an IPv4 /16 and /32 in the same
     * account, which Kamailio's file lists first.
     */
    OverlappingRecords createIpv6() throws Exception {
        mapped("v4-wide", "127.10.0.0", 16, 'a');
        mapped("v4-host", "127.10.1.7", 32, 'c');
        mapped("wide", "fd00:5:1::", 48, 'a');
        mapped("site", "fd00:5:1:1ab::9", 56, 'b');
        mapped("lan", "fd00:5:1:1ab::", 64, 'c');
        mapped("pbx", "fd00:5:1:1ab::7", 128, 'd');
        mapped("upper-half-of-lan", "fd00:5:1:1ab:8000::", 65, 'e');
        mapped("lab-old", "fd00:5:1:2::", 64, 'e');
        mapped("lab-new", "fd00:5:1:2::99", 64, 'f');
        mapped("host-old", "fd00:5:1:3::3", 128, 'e');
        mapped("host-new", "FD00:5:1:3:0:0:0:3", 128, 'f');
        record("unmapped", "fd00:5:1:4::", 64);
        mapped("upper", "fd00:5:1:8000::", 49, '7');
        mapped("apart", "fd00:5:8000::", 33, '9');
        return this;
    }

    String record(String name, String address, int length) throws Exception {
        HttpResponse<String> created = calls.call("POST", baseUrl + "/v1/IpRecords", "IpAddress="
                + URLEncoder.encode(address, StandardCharsets.UTF_8) + "&CidrPrefixLength=" + length + "&FriendlyName=" + name);
        check(created, 201);
        String sid = new JsonObject(created.body()).getString("sid");
        records.put(name, sid);
        return sid;
    }

    String mapped(String name, String address, int length, char domain) throws Exception {
        String record = record(name, address, length);
        return map(name, record, sipDomain(domain));
    }

    String map(String name, String record, String sipDomain) throws Exception {
        HttpResponse<String> created = calls.call("POST", baseUrl + "/v1/SourceIpMappings", "IpRecordSid=" + record
                + "&SipDomainSid=" + sipDomain);
        check(created, 201);
        String sid = new JsonObject(created.body()).getString("sid");
        mappings.put(name, sid);
        return sid;
    }

    void unmap(String name) throws Exception {
        check(calls.call("DELETE", baseUrl + "/v1/SourceIpMappings/" + mappings.remove(name), null), 204);
    }

    void remap(String name, String sipDomain) throws Exception {
        check(calls.call("POST", baseUrl + "/v1/SourceIpMappings/" + mappings.get(name), "SipDomainSid=" + sipDomain),
                200);
    }

    /** What {@code GET /sipmap/v1/Resolve} answers for each address: the SIP domain SID, or empty for none. */
    Map<String, Optional<String>> resolve(List<String> addresses) throws Exception {
        Map<String, Optional<String>> answers = new LinkedHashMap<>();
        for (String address : addresses) {
            HttpResponse<String> resolved = calls.call("GET", baseUrl + "/sipmap/v1/Resolve?IpAddress="
                    + URLEncoder.encode(address, StandardCharsets.UTF_8), null);
            check(resolved, 200);
            JsonObject resolution = new JsonObject(resolved.body()).getJsonObject("resolution");
            answers.put(address, Optional.ofNullable(resolution).map(r -> r.getString("sip_domain_sid")));
        }
        return answers;
    }

    /** The account's mapped records as (network, prefix length, record SID, SIP domain SID), from the REST API. */
    List<String[]> mappedRecords() throws Exception {
        Map<String, String> domainByRecord = new LinkedHashMap<>();
        for (Object mapping : new JsonObject(check(calls.call("GET", baseUrl + "/v1/SourceIpMappings?PageSize=1000",
                null), 200).body()).getJsonArray("source_ip_mappings")) {
            JsonObject m = (JsonObject) mapping;
            domainByRecord.put(m.getString("ip_record_sid"), m.getString("sip_domain_sid"));
        }
        List<String[]> mapped = new ArrayList<>();
        for (Object record : new JsonObject(check(calls.call("GET", baseUrl + "/v1/IpRecords?PageSize=1000", null),
                200).body()).getJsonArray("ip_records")) {
            JsonObject r = (JsonObject) record;
            String domain = domainByRecord.get(r.getString("sid"));
            if (domain != null) {
                int length = r.getInteger("cidr_prefix_length");
                mapped.add(new String[] {network(r.getString("ip_address"), length), Integer.toString(length),
                        r.getString("sid"), domain});
            }
        }
        return mapped;
    }

    static String network(String address, int length) {
        String[] parts = address.split("\\.");
        int bits = 0;
        for (String part : parts) {
            bits = bits << 8 | Integer.parseInt(part);
        }
        bits &= length == 0 ? 0 : -1 << (32 - length);
        return (bits >>> 24) + "." + (bits >>> 16 & 255) + "." + (bits >>> 8 & 255) + "." + (bits & 255);
    }

    private static HttpResponse<String> check(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new AssertionError("expected " + status + ", got " + response.statusCode() + ": "
                    + response.body());
        }
        return response;
    }
}

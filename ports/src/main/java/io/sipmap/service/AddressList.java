package io.sipmap.service;

import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.IpPrefix;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SipmapException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A list of addresses an account should hold, each mapped to a SIP domain, as carriers publish them: CSV with the
 * header {@code ip_address,cidr_prefix_length,sip_domain_sid,friendly_name}, or the same as a JSON array of objects
 * with those keys ({@link #parseJson} takes the array already read, so that this stays free of a JSON library).
 * Reading checks every line and reports every bad one, by its line (CSV) or position from 1 (JSON): a bad address,
 * prefix length or SID, a name too long, and a network listed twice. An address is IPv4 or IPv6, in any spelling
 * {@link IpAddress#parse} reads (an IPv6 network is the same network however it is written, an IPv4-mapped address
 * is the IPv4 address it names); entries hold it parsed, so they print in canonical text.
 *
 * @param entries in file order, at most one per network as given (address and prefix length)
 */
public record AddressList(List<Entry> entries) {

    /** The CSV header, in this order. */
    public static final String HEADER = "ip_address,cidr_prefix_length,sip_domain_sid,friendly_name";

    private static final IpAddress ANY_IPV4 = IpAddress.parse("0.0.0.0");
    private static final IpAddress ANY_IPV6 = IpAddress.parse("::");

    public AddressList {
        entries = List.copyOf(entries);
    }

    /**
     * One wanted record and its mapping.
     *
     * @param line         where it was read: the CSV line, or the JSON item from 1
     * @param prefix       the address as given and its prefix length (an absent or 0 length read as 32 for IPv4, 128
     *                     for IPv6)
     * @param sipDomainSid the SIP domain it maps to
     * @param friendlyName the record's friendly name, null when empty
     */
    public record Entry(int line, IpPrefix prefix, SipDomainSid sipDomainSid, String friendlyName) {
        public Entry {
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(sipDomainSid, "sipDomainSid");
            IpRecord.checkFriendlyName(friendlyName);
        }
    }

    /** A file that is not a valid list: every problem, one a line, in file order. */
    public static final class Invalid extends IllegalArgumentException {
        private final List<String> problems;

        public Invalid(List<String> problems) {
            super(String.join("\n", problems));
            this.problems = List.copyOf(problems);
        }

        /** "line 3: ..." each. */
        public List<String> problems() {
            return problems;
        }
    }

    /**
     * Reads CSV: the header line first, then one entry a line; blank lines and lines starting with {@code #} are
     * skipped; a friendly name may be quoted ({@code "a, b"}, {@code ""} for a quote), the other fields not.
     *
     * @throws Invalid naming every bad line
     */
    public static AddressList parseCsv(String text) {
        String[] lines = text.split("\r?\n", -1);
        List<String> problems = new ArrayList<>();
        int first = 0;
        while (first < lines.length && (lines[first].isBlank() || lines[first].startsWith("#"))) {
            first++;
        }
        if (first == lines.length || !lines[first].strip().replace("\uFEFF", "").equals(HEADER)) {
            throw new Invalid(List.of("line " + (first + 1) + ": expected the header " + HEADER));
        }
        List<Map<String, String>> rows = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        for (int i = first + 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            List<String> fields = fields(line);
            if (fields == null || fields.size() != 4) {
                problems.add("line " + (i + 1) + ": expected 4 fields (" + HEADER + ")");
                continue;
            }
            rows.add(Map.of("ip_address", fields.get(0), "cidr_prefix_length", fields.get(1),
                    "sip_domain_sid", fields.get(2), "friendly_name", fields.get(3)));
            numbers.add(i + 1);
        }
        return of(rows, numbers, "line ", problems);
    }

    /**
     * Reads the items of a JSON array: each an object whose values are strings (or a number for
     * {@code cidr_prefix_length}), as a JSON library reads them into maps.
     *
     * @throws Invalid naming every bad item, by its position from 1
     */
    public static AddressList parseJson(List<?> items) {
        List<Map<String, String>> rows = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            if (!(items.get(i) instanceof Map<?, ?> map)) {
                problems.add("item " + (i + 1) + ": expected an object");
                continue;
            }
            Map<String, String> row = new HashMap<>();
            for (Map.Entry<?, ?> field : map.entrySet()) {
                row.put(String.valueOf(field.getKey()), field.getValue() == null ? "" : String.valueOf(field.getValue()));
            }
            rows.add(row);
            numbers.add(i + 1);
        }
        return of(rows, numbers, "item ", problems);
    }

    private static AddressList of(List<Map<String, String>> rows, List<Integer> numbers, String where,
                                  List<String> problems) {
        List<Entry> entries = new ArrayList<>();
        Map<IpPrefix, Integer> seen = new HashMap<>();
        for (int r = 0; r < rows.size(); r++) {
            Map<String, String> row = rows.get(r);
            int number = numbers.get(r);
            List<String> wrong = new ArrayList<>();
            IpAddress address = null;
            int length = 0;
            SipDomainSid domain = null;
            String name = row.getOrDefault("friendly_name", "").strip();
            try {
                address = IpAddress.parse(row.getOrDefault("ip_address", "").strip(), "ip_address");
            } catch (SipmapException e) {
                wrong.add("bad ip_address '" + row.getOrDefault("ip_address", "") + "'");
            }
            String prefix = row.getOrDefault("cidr_prefix_length", "").strip();
            // a bad address's length is checked against the family its text looks like: one problem, not two
            IpAddress family = address != null ? address
                    : row.getOrDefault("ip_address", "").indexOf(':') >= 0 ? ANY_IPV6 : ANY_IPV4;
            try {
                length = IpPrefix.parseLength(prefix.isEmpty() ? null : prefix, family);
            } catch (SipmapException e) {
                wrong.add("bad cidr_prefix_length '" + prefix + "' (0 to " + family.bitLength() + ")");
            }
            try {
                domain = SipDomainSid.parse(row.getOrDefault("sip_domain_sid", "").strip(), "sip_domain_sid");
            } catch (SipmapException e) {
                wrong.add("bad sip_domain_sid '" + row.getOrDefault("sip_domain_sid", "") + "'");
            }
            try {
                IpRecord.checkFriendlyName(name);
            } catch (SipmapException e) {
                wrong.add("friendly_name longer than " + IpRecord.MAX_FRIENDLY_NAME_LENGTH + " characters");
            }
            for (String key : row.keySet()) {
                if (!HEADER.contains(key)) {
                    wrong.add("unknown field '" + key + "'");
                }
            }
            if (wrong.isEmpty()) {
                IpPrefix network = new IpPrefix(address, length);
                Integer earlier = seen.putIfAbsent(network, number);
                if (earlier != null) {
                    wrong.add("duplicate of " + where + earlier + " (" + network + ")");
                } else {
                    entries.add(new Entry(number, network, domain, name.isEmpty() ? null : name));
                }
            }
            if (!wrong.isEmpty()) {
                problems.add(where + number + ": " + String.join("; ", wrong));
            }
        }
        if (!problems.isEmpty()) {
            problems.sort((a, b) -> Integer.compare(numberOf(a), numberOf(b)));
            throw new Invalid(problems);
        }
        return new AddressList(entries);
    }

    private static int numberOf(String problem) {
        int space = problem.indexOf(' ');
        int colon = problem.indexOf(':');
        return Integer.parseInt(problem.substring(space + 1, colon));
    }

    /** The fields of a CSV line, or null when a quote is not closed. */
    private static List<String> fields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"' && field.toString().isBlank()) {
                quoted = true;
                field.setLength(0);
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return quoted ? null : fields;
    }
}

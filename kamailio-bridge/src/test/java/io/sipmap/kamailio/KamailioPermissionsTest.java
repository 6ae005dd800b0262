package io.sipmap.kamailio;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.testsupport.Calls;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What Kamailio's {@code permissions} module makes of our Kamailio export, against our resolution rule: a real
 * Kamailio (installed when missing) loads {@code GET /sipmap/v1/Exports/Kamailio} (longest prefix first and, of the
 * records of one network, the oldest only) and answers real SIP requests from loopback source addresses exactly as
 * {@code GET /sipmap/v1/Resolve} does. It also pins the two facts of Kamailio that the bridge is built around: a
 * single address ({@code /32}) listed twice answers its LAST line (its hash table prepends), so a shadowed line must
 * not be written; and a reload sooner than {@code reload_delta} (5 s) after the last is refused.
 */
@Timeout(120)
class KamailioPermissionsTest {

    private static final AccountSid ACCOUNT = new AccountSid("AC" + "6b".repeat(16));
    private static final String TOKEN = "kamailio-test-token";

    @Test
    void kamailioAnswersWhatResolveAnswersForTheKamailioExport(@TempDir Path dir) throws Exception {
        try (SipmapUnderTest server = SipmapUnderTest.inMemory(0, ACCOUNT, TOKEN)) {
            Calls calls = new Calls(ACCOUNT, TOKEN);
            var records = new OverlappingRecords(calls, server.baseUrl()).create();
            List<String[]> mapped = records.mappedRecords();
            HttpResponse<String> export = calls.call("GET", server.baseUrl() + "/sipmap/v1/Exports/Kamailio", null);
            assertThat(export.statusCode()).isEqualTo(200);
            // the export is the rule's order, as worked out here from the records the API lists
            assertThat(export.body()).isEqualTo(lines(mapped, true));
            Path addressFile = dir.resolve("address.list");
            Files.writeString(addressFile, export.body());

            try (Kamailio kamailio = Kamailio.start(addressFile)) {
                System.err.println("KamailioPermissionsTest: " + kamailio.version());
                Map<String, Optional<String>> expected = records.resolve(OverlappingRecords.PROBES);

                assertThat(answers(kamailio, OverlappingRecords.PROBES)).isEqualTo(expected);
                // the probes do tell the records apart: every mapped domain, and no domain, are among the answers
                assertThat(new HashSet<>(expected.values())).contains(Optional.empty(),
                        Optional.of(OverlappingRecords.sipDomain('a')), Optional.of(OverlappingRecords.sipDomain('b')),
                        Optional.of(OverlappingRecords.sipDomain('c')), Optional.of(OverlappingRecords.sipDomain('d')),
                        Optional.of(OverlappingRecords.sipDomain('e')), Optional.of(OverlappingRecords.sipDomain('7')),
                        Optional.of(OverlappingRecords.sipDomain('9')));

                // Every line, the shadowed duplicates included: the subnet keeps its first line, the address its last.
                Files.writeString(addressFile, lines(mapped, false));
                assertThat(kamailio.kamcmd("permissions.addressReload")).isEqualTo("Reload OK");
                assertThat(kamailio.kamcmd("permissions.addressReload")).isEqualTo("error: 500 - ongoing reload");
                Map<String, Optional<String>> withDuplicates = answers(kamailio, List.of("127.10.2.1", "127.10.3.3"));
                assertThat(withDuplicates.get("127.10.2.1")).isEqualTo(expected.get("127.10.2.1"))
                        .contains(OverlappingRecords.sipDomain('e'));
                assertThat(withDuplicates.get("127.10.3.3")).contains(OverlappingRecords.sipDomain('f'))
                        .isNotEqualTo(expected.get("127.10.3.3"));
            }
        }
    }

    /** Kamailio's answer for each source address: the tag of a 200, or empty for a 403. */
    static Map<String, Optional<String>> answers(Kamailio kamailio, List<String> sources) throws Exception {
        Map<String, Optional<String>> answers = new LinkedHashMap<>();
        for (String source : sources) {
            SipProbe.Reply reply = kamailio.options(source);
            assertThat(reply.status()).as("reply to %s:%n%s", source, reply.text()).isIn(200, 403);
            assertThat(reply.tag().isPresent()).as("tag of a %d", reply.status()).isEqualTo(reply.status() == 200);
            answers.put(source, reply.tag());
        }
        return answers;
    }

    /**
     * An address file of group 1 in the export's order: longest prefix first, then for one network the oldest record
     * (smallest SID) first; {@code winnersOnly} keeps only the first line of each network.
     */
    private static String lines(List<String[]> mapped, boolean winnersOnly) {
        List<String[]> ordered = new ArrayList<>(mapped);
        ordered.sort(Comparator.<String[]>comparingInt(m -> -Integer.parseInt(m[1])).thenComparing(m -> m[2]));
        StringBuilder file = new StringBuilder();
        Set<String> networks = new HashSet<>();
        for (String[] m : ordered) {
            if (networks.add(m[0] + "/" + m[1]) || !winnersOnly) {
                file.append("1 ").append(m[0]).append(' ').append(m[1]).append(" 0 ").append(m[3]).append('\n');
            }
        }
        return file.toString();
    }
}

package io.sipmap.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.Resolution;
import io.sipmap.domain.SipDomainSid;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ResolveExampleTest {

    private static final SipDomainSid OFFICE = new SipDomainSid("SD0000000000000000000000000000000a");
    private static final SipDomainSid PBX = new SipDomainSid("SD0000000000000000000000000000000b");

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @Test
    void thePbxAddressGoesToThePbxDomain() {
        Resolution r = ResolveExample.run("198.51.100.7", out).orElseThrow();
        assertThat(r.sipDomainSid()).isEqualTo(PBX);
        assertThat(r.prefix().toString()).isEqualTo("198.51.100.7/32");
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .isEqualTo("198.51.100.7 -> " + PBX + " via 198.51.100.7/32" + System.lineSeparator());
    }

    @Test
    void restOfTheOfficeNetworkGoesToTheOfficeDomain() {
        Resolution r = ResolveExample.run("198.51.100.200", out).orElseThrow();
        assertThat(r.sipDomainSid()).isEqualTo(OFFICE);
        assertThat(r.prefix().toString()).isEqualTo("198.51.100.0/24");
    }

    @Test
    void anAddressOutsideEveryRecordHasNoDomain() {
        Optional<Resolution> r = ResolveExample.run("203.0.113.1", out);
        assertThat(r).isEmpty();
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .isEqualTo("203.0.113.1 -> no SIP domain: reject" + System.lineSeparator());
    }
}

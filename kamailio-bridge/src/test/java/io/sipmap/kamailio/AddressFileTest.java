package io.sipmap.kamailio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AddressFileTest {

    private static final String SD_A = "SD" + "a".repeat(32);
    private static final String SD_B = "SD" + "b".repeat(32);

    @Test
    void keepsTheOrderAndDropsEveryLaterLineOfANetwork() {
        AddressFile.Content content = AddressFile.of("1 10.1.2.3 32 0 " + SD_A + "\n"
                + "1 10.1.2.3 32 0 " + SD_B + "\n"
                + "1 10.1.2.0 24 0 " + SD_B + "\n"
                + "1 10.1.2.0 24 0 " + SD_A + "\n"
                + "1 10.1.0.0 16 0 " + SD_A + "\n");

        assertThat(content.text()).isEqualTo("1 10.1.2.3 32 0 " + SD_A + "\n1 10.1.2.0 24 0 " + SD_B + "\n"
                + "1 10.1.0.0 16 0 " + SD_A + "\n");
        assertThat(content.entries()).isEqualTo(3);
        assertThat(content.subnets()).isEqualTo(2);
        assertThat(content.dropped()).isEqualTo(2);
    }

    @Test
    void anEmptyExportIsAnEmptyFileAndAnythingElseIsRefused() {
        assertThat(AddressFile.of("").text()).isEmpty();
        assertThatThrownBy(() -> AddressFile.of("<html>oops</html>\n")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a line");
        assertThatThrownBy(() -> AddressFile.of("1 10.0.0.0 8 0\n")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void takesIpv6LinesInTheirCanonicalFormAndDropsEveryLaterLineOfANetworkHoweverSpelt() {
        AddressFile.Content content = AddressFile.of("1 10.1.2.3 32 0 " + SD_A + "\n"
                + "1 2001:db8:0:1::7 128 0 " + SD_A + "\n"
                + "1 2001:DB8:0:1:0:0:0:7 128 0 " + SD_B + "\n"
                + "1 2001:db8:0:1:: 64 0 " + SD_B + "\n"
                + "1\t2001:0db8:0000:0001::   64 0 " + SD_A + "\n"
                + "2 2001:db8:0:1:: 64 0 " + SD_A + "\n"
                + "1 ::192.0.2.0 120 0 " + SD_A + "\n"
                + "1 2001:db8:: 32 0 " + SD_A + "\n");

        assertThat(content.text()).isEqualTo("1 10.1.2.3 32 0 " + SD_A + "\n"
                + "1 2001:db8:0:1::7 128 0 " + SD_A + "\n"
                + "1 2001:db8:0:1:: 64 0 " + SD_B + "\n"
                + "2 2001:db8:0:1:: 64 0 " + SD_A + "\n"
                + "1 ::c000:200 120 0 " + SD_A + "\n"
                + "1 2001:db8:: 32 0 " + SD_A + "\n");
        assertThat(content.entries()).isEqualTo(6);
        assertThat(content.subnets()).as("a /128 is a single address, as a /32 is").isEqualTo(4);
        assertThat(content.dropped()).isEqualTo(2);
    }

    @Test
    void refusesWhatKamailioWouldNotReadAsAnIpv6Network() {
        for (String line : new String[] {"1 fe80::1%eth0 64 0 " + SD_A, "1 2001:db8:: 129 0 " + SD_A,
                "1 2001:db8:: 1280 0 " + SD_A, "1 2001:db8::g 64 0 " + SD_A, "1 2001:db8:::1 64 0 " + SD_A,
                "1 ::ffff:192.0.2.1 128 0 " + SD_A, "1 [2001:db8::] 32 0 " + SD_A, "1 2001:db8::/32 32 0 " + SD_A,
                "1 10.0.0.0 100 0 " + SD_A}) {
            assertThatThrownBy(() -> AddressFile.of(line + "\n")).as(line)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a line");
        }
    }

    @Test
    void replacesTheFileWholeKeepingItsPermissionsAndLeavingNoTemporaryFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("address.list");
        AddressFile.write(file, "1 10.0.0.0 8 0 " + SD_A + "\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));

        AddressFile.write(file, "1 10.0.0.0 8 0 " + SD_B + "\n");

        assertThat(Files.readString(file)).isEqualTo("1 10.0.0.0 8 0 " + SD_B + "\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r-----");
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    @Test
    void asRootTheFileKeepsItsOwnerAndGroup(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "only root can give a file to another user");
        Path file = dir.resolve("address.list");
        AddressFile.write(file, "1 10.0.0.0 8 0 " + SD_A + "\n");
        var users = file.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(file, users.lookupPrincipalByName("nobody"));
        Files.setAttribute(file, "posix:group", users.lookupPrincipalByGroupName("nogroup"));

        AddressFile.write(file, "1 10.0.0.0 8 0 " + SD_B + "\n");

        assertThat(Files.getOwner(file).getName()).isEqualTo("nobody");
        assertThat(Files.readAttributes(file, java.nio.file.attribute.PosixFileAttributes.class).group().getName())
                .isEqualTo("nogroup");
        assertThat(Files.readString(file)).isEqualTo("1 10.0.0.0 8 0 " + SD_B + "\n");
    }
}

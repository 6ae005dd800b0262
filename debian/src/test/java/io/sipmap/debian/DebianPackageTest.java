package io.sipmap.debian;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package as an operator meets it, on this machine (Debian, as root, as the project's machines and CI are):
 * lintian finds no error in it, systemd accepts its units, dpkg installs it, the server runs as its unit runs it and
 * keeps its records and the administrator's settings across an upgrade, and a purge leaves the machine as it was.
 *
 * <p>systemd does not run here as PID 1, so the server is started as the unit would start it, read from the installed
 * unit: its User, WorkingDirectory, Environment= and EnvironmentFile, its ExecStart, through runuser. The unit's
 * sandboxing is not exercised that way; {@code systemd-analyze verify} checks that systemd accepts it.
 */
class DebianPackageTest {

    private static final String ACCOUNT = "AC0000000000000000000000000000debe";
    private static final String TOKEN = "debian-package-test-token";
    private static final Path SERVER_UNIT = Path.of("/lib/systemd/system/sipmap.service");
    private static final Path BRIDGE_UNIT = Path.of("/lib/systemd/system/sipmap-kamailio-bridge.service");
    private static final Path SETTINGS = Path.of("/etc/default/sipmap");
    private static final Path DATA = Path.of("/var/lib/sipmap");
    /** Everything the package or its scripts make outside dpkg's own records; none of it may outlive a purge. */
    private static final List<Path> MADE = Stream.of("/usr/share/sipmap", "/usr/bin/sipmap-server",
            "/usr/bin/sipmap-kamailio-bridge", SERVER_UNIT.toString(), BRIDGE_UNIT.toString(), SETTINGS.toString(),
            "/etc/default/sipmap-kamailio-bridge", DATA.toString(), "/var/lib/sipmap-kamailio-bridge",
            "/usr/share/doc/sipmap", "/usr/share/man/man1/sipmap-server.1.gz",
            "/usr/share/lintian/overrides/sipmap", "/etc/systemd/system/multi-user.target.wants/sipmap.service",
            "/etc/systemd/system/sipmap.service", "/etc/systemd/system/sipmap-kamailio-bridge.service",
            "/var/lib/systemd/deb-systemd-helper-enabled/sipmap.service.dsh-also",
            "/var/lib/systemd/deb-systemd-helper-enabled/sipmap-kamailio-bridge.service.dsh-also",
            "/var/lib/systemd/deb-systemd-helper-enabled/multi-user.target.wants/sipmap.service",
            "/var/lib/systemd/deb-systemd-helper-masked/sipmap.service").map(Path::of).toList();
    private static final Duration DPKG_LIMIT = Duration.ofMinutes(3);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path work;

    private final long started = System.nanoTime();

    /** Where the test's time goes, on standard error. */
    private void step(String name) {
        System.err.printf("DebianPackageTest: %s at %.1f s%n", name, (System.nanoTime() - started) / 1e9);
    }

    @Test
    void installsRunsUpgradesKeepingDataAndSettingsAndPurgesClean() throws Exception {
        assumeTrue(Files.exists(Path.of("/etc/debian_version")) && Files.isExecutable(Path.of("/usr/bin/dpkg")),
                "not a Debian machine: the package cannot be installed here");
        assumeTrue(Shell.run(Duration.ofSeconds(10), List.of("id", "-u")).output().strip().equals("0"),
                "not root: installing a package needs root");
        Path deb = builtPackage();
        Machine before = Machine.now();
        assertThat(before.sipmapStatus()).as("sipmap is already installed here; purge it first (dpkg --purge sipmap)")
                .isEmpty();
        assertThat(before.user()).as("a user sipmap already exists here").isEmpty();

        try (AptPackages lintianPackages = AptPackages.require("lintian", "lintian")) {
            Machine withLintian = Machine.now();
            try {
                step("lintian");
                lintianFindsNoError(deb);
                step("install");
                install(deb);
                step("systemd-analyze verify");
                systemdAcceptsTheUnits();
                launchersRunTheJars();
                step("first start");
                ServiceUnit unit = ServiceUnit.read(SERVER_UNIT);
                assertThat(unit.user()).isEqualTo("sipmap");
                assertThat(Path.of("/var/lib", unit.stateDirectory())).isEqualTo(DATA);

                String sid;
                try (Server server = Server.start(unit, work.resolve("first.log"))) {
                    assertThat(DATA.resolve("postgres/PG_VERSION")).exists();
                    assertThat(Files.getOwner(DATA.resolve("postgres")).getName()).isEqualTo("sipmap");
                    assertThat(DATA.resolve("embedded-pg")).isDirectory();
                    HttpResponse<String> created = post(server.api("/v1/IpRecords"),
                            "IpAddress=192.0.2.10&FriendlyName=packaged");
                    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
                    sid = field(created.body(), "sid");
                    step("first stop");
                    server.stopGracefully();
                }

                // The administrator's edit of the conffile: JSON logs from the next start on.
                Files.writeString(SETTINGS, Files.readString(SETTINGS) + "# edited by DebianPackageTest\n"
                        + "SIPMAP_LOG_FORMAT=json\n");
                step("upgrade");
                Path upgrade = newerVersion(deb);
                String upgradeOutput = install(upgrade);
                assertThat(upgradeOutput).doesNotContain("Configuration file");
                assertThat(Files.readString(SETTINGS)).endsWith("SIPMAP_LOG_FORMAT=json\n");
                assertThat(dpkgVersion()).isEqualTo(debVersion(upgrade));

                step("second start");
                try (Server server = Server.start(ServiceUnit.read(SERVER_UNIT), work.resolve("second.log"))) {
                    HttpResponse<String> fetched = get(server.api("/v1/IpRecords/" + sid));
                    assertThat(fetched.statusCode()).as(fetched.body()).isEqualTo(200);
                    assertThat(fetched.body()).contains("\"friendly_name\":\"packaged\"");
                    // The request's log line is written once its answer has gone out, so it may follow the answer
                    // by a moment: a stop sent at once could reset java.util.logging before it is written.
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (!server.output().contains("{\"time\":") && System.nanoTime() < deadline) {
                        Thread.sleep(50);
                    }
                    assertThat(server.output()).contains("{\"time\":");
                    step("second stop");
                    server.stopGracefully();
                }

                step("purge");
                Shell.run(DPKG_LIMIT, List.of("dpkg", "--purge", "sipmap")).requireSuccess();
                step("purged");
                assertThat(Machine.now()).isEqualTo(withLintian);
            } finally {
                Server.killLeftovers();
                if (Machine.now().sipmapStatus().isPresent()) {
                    Shell.run(DPKG_LIMIT, List.of("dpkg", "--purge", "sipmap"));
                }
            }
        }
        assertThat(Machine.now()).isEqualTo(before);
    }

    /** The one package `mvn package` wrote, found in the build directory failsafe names. */
    private static Path builtPackage() throws IOException {
        Path target = Path.of(System.getProperty("sipmap.build.directory", "target"));
        List<Path> debs;
        try (Stream<Path> files = Files.list(target)) {
            debs = files.filter(p -> p.getFileName().toString().matches("sipmap_.*_all\\.deb")).toList();
        }
        assertThat(debs).as("the package in " + target + " (mvn package builds it)").hasSize(1);
        return debs.get(0);
    }

    private static void lintianFindsNoError(Path deb) throws IOException, InterruptedException {
        Shell.Result lintian = Shell.run(Duration.ofMinutes(3), List.of("lintian", "--pedantic", deb.toString()));
        System.err.println("lintian --pedantic " + deb.getFileName() + ": status " + lintian.status() + "\n"
                + lintian.output());
        assertThat(lintian.output().lines().filter(line -> line.startsWith("E: ")).toList()).isEmpty();
        assertThat(lintian.status()).as(lintian.output()).isZero();
        String changelog = Shell.run(Duration.ofSeconds(10), List.of("sh", "-c",
                "dpkg-deb --fsys-tarfile \"$1\" | tar -xOf - ./usr/share/doc/sipmap/changelog.gz | zcat | head -1",
                "sh", deb.toString())).requireSuccess().output();
        assertThat(changelog).as("the changelog's version (deb.version in debian/pom.xml)")
                .startsWith("sipmap (" + debVersion(deb) + ")");
    }

    private static String install(Path deb) throws IOException, InterruptedException {
        String output = Shell.run(DPKG_LIMIT, List.of("dpkg", "-i", deb.toString())).requireSuccess().output();
        System.err.println("dpkg -i " + deb.getFileName() + ":\n" + output);
        return output;
    }

    private static void systemdAcceptsTheUnits() throws IOException, InterruptedException {
        // verify also runs man for each Documentation=man: page, which needs man-db
        boolean man = Files.isExecutable(Path.of("/usr/bin/man"));
        Shell.Result verify = Shell.run(Duration.ofMinutes(1), List.of("systemd-analyze", "verify",
                "--man=" + (man ? "yes" : "no"), SERVER_UNIT.toString(), BRIDGE_UNIT.toString()));
        assertThat(verify.output()).isEmpty();
        assertThat(verify.status()).isZero();
    }

    private static void launchersRunTheJars() throws IOException, InterruptedException {
        for (String program : List.of("sipmap-server", "sipmap-kamailio-bridge")) {
            String version = Shell.run(Duration.ofSeconds(30), List.of("/usr/bin/" + program, "--version"))
                    .requireSuccess().output();
            assertThat(version).startsWith(program + " ");
        }
    }

    /** The package again with a higher version and nothing else changed, as the next release would be built. */
    private Path newerVersion(Path deb) throws IOException, InterruptedException {
        Path tree = work.resolve("upgrade");
        Shell.run(DPKG_LIMIT, List.of("dpkg-deb", "-R", deb.toString(), tree.toString())).requireSuccess();
        Path control = tree.resolve("DEBIAN/control");
        String version = debVersion(deb);
        Files.writeString(control, Files.readString(control).replace("Version: " + version + "\n",
                "Version: " + version + "+upgrade\n"));
        Path upgrade = work.resolve("sipmap_" + version + "+upgrade_all.deb");
        // Uncompressed: xz, dpkg-deb's default, takes most of a minute over the jars here.
        Shell.run(DPKG_LIMIT, List.of("dpkg-deb", "--root-owner-group", "-Znone", "-b", tree.toString(),
                upgrade.toString())).requireSuccess();
        return upgrade;
    }

    private static String debVersion(Path deb) throws IOException, InterruptedException {
        return Shell.run(Duration.ofSeconds(30), List.of("dpkg-deb", "-f", deb.toString(), "Version"))
                .requireSuccess().output().strip();
    }

    private static String dpkgVersion() throws IOException, InterruptedException {
        return Shell.run(Duration.ofSeconds(30), List.of("dpkg-query", "-W", "-f", "${Version}", "sipmap"))
                .requireSuccess().output().strip();
    }

    private HttpResponse<String> post(URI uri, String form) throws IOException, InterruptedException {
        return http.send(authorized(uri).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return http.send(authorized(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest.Builder authorized(URI uri) {
        String basic = Base64.getEncoder().encodeToString((ACCOUNT + ":" + TOKEN).getBytes(StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).header("Authorization", "Basic " + basic);
    }

    private static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        assertThat(matcher.find()).as(name + " in " + json).isTrue();
        return matcher.group(1);
    }

    /** What the test may change on the machine: the package list, the user and group, the paths the package makes. */
    record Machine(Map<String, String> packages, Optional<String> user, Optional<String> group,
                   List<Path> existing) {

        static Machine now() throws IOException, InterruptedException {
            return new Machine(AptPackages.statuses(), getent("passwd"), getent("group"),
                    MADE.stream().filter(p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS)).toList());
        }

        Optional<String> sipmapStatus() {
            return Optional.ofNullable(packages.get("sipmap"));
        }

        private static Optional<String> getent(String database) throws IOException, InterruptedException {
            Shell.Result result = Shell.run(Duration.ofSeconds(10), List.of("getent", database, "sipmap"));
            return result.status() == 0 ? Optional.of(result.output().strip()) : Optional.empty();
        }
    }

    /** The server as the unit runs it, on free loopback ports, until it is stopped or the test ends. */
    static final class Server implements AutoCloseable {

        private final ServiceUnit unit;
        private final Process runuser;
        private final Path log;
        private final int port;

        private Server(ServiceUnit unit, Process runuser, Path log, int port) {
            this.unit = unit;
            this.runuser = runuser;
            this.log = log;
            this.port = port;
        }

        static Server start(ServiceUnit unit, Path log) throws IOException, InterruptedException {
            int port = freePort();
            int managementPort = freePort();
            String[] passwd = Shell.run(Duration.ofSeconds(10), List.of("getent", "passwd", unit.user()))
                    .requireSuccess().output().strip().split(":");
            Map<String, String> overrides = new LinkedHashMap<>();
            overrides.put("HOME", passwd[5]);
            overrides.put("SHELL", passwd[6]);
            overrides.put("SIPMAP_HOST", "127.0.0.1");
            overrides.put("SIPMAP_PORT", Integer.toString(port));
            overrides.put("SIPMAP_MANAGEMENT_HOST", "127.0.0.1");
            overrides.put("SIPMAP_MANAGEMENT_PORT", Integer.toString(managementPort));
            overrides.put("TWILIO_ACCOUNT_SID", ACCOUNT);
            overrides.put("TWILIO_AUTH_TOKEN", TOKEN);
            List<String> command = unit.runuserCommand(unit.environment(overrides));
            System.err.println("starting: " + String.join(" ", command).replace(TOKEN, "***"));
            Process process = new ProcessBuilder(command).directory(unit.workingDirectory().toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            Server server = new Server(unit, process, log, port);
            try {
                server.awaitReady(URI.create("http://127.0.0.1:" + managementPort + "/health/ready"));
            } catch (RuntimeException | IOException | InterruptedException e) {
                server.close();
                throw e;
            }
            return server;
        }

        URI api(String path) {
            return URI.create("http://127.0.0.1:" + port + path);
        }

        String output() throws IOException {
            return Files.readString(log, StandardCharsets.UTF_8);
        }

        /**
         * SIGTERM to the JVM alone, as systemd's KillMode=mixed sends it: the server finishes, stops its PostgreSQL
         * and exits with a status the unit counts as success, and no process of the user is left.
         */
        void stopGracefully() throws IOException, InterruptedException {
            List<ProcessHandle> jvm = runuser.descendants()
                    .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false)).toList();
            assertThat(jvm).as("the server's JVM under runuser").hasSize(1);
            jvm.get(0).destroy();
            assertThat(runuser.waitFor(90, TimeUnit.SECONDS)).as("stopped within 90 s").isTrue();
            assertThat(unit.succeeded(runuser.exitValue())).as("exit status " + runuser.exitValue() + ", a success for"
                    + " the unit (SuccessExitStatus=" + unit.successExitStatus() + ")\n" + output()).isTrue();
            assertThat(output()).contains("sipmap: stopped");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!ofUser("sipmap").isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertThat(ofUser("sipmap")).as("processes of sipmap after the server stopped").isEmpty();
        }

        private void awaitReady(URI ready) throws IOException, InterruptedException {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                if (!runuser.isAlive()) {
                    throw new IllegalStateException("the server exited with " + runuser.exitValue() + ":\n" + output());
                }
                try {
                    HttpResponse<Void> answer = client.send(HttpRequest.newBuilder(ready)
                            .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding());
                    if (answer.statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(250);
            }
            throw new IllegalStateException("the server was not ready within 120 s:\n" + output());
        }

        @Override
        public void close() throws IOException {
            if (runuser.isAlive()) {
                runuser.descendants().forEach(ProcessHandle::destroyForcibly);
                runuser.destroyForcibly();
            }
            System.err.println("server output (" + log.getFileName() + "):\n" + output());
        }

        /** Kills whatever the package's user still runs (a PostgreSQL whose server was killed, say). */
        static void killLeftovers() {
            ofUser("sipmap").forEach(ProcessHandle::destroyForcibly);
        }

        private static List<ProcessHandle> ofUser(String user) {
            List<ProcessHandle> processes = new ArrayList<>();
            ProcessHandle.allProcesses().filter(p -> p.info().user().map(user::equals).orElse(false))
                    .forEach(processes::add);
            return processes;
        }

        private static int freePort() throws IOException {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            }
        }
    }
}

package io.sipmap.kamailio;

import io.sipmap.testsupport.DebianPackages;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Kamailio for the tests (Debian's {@code kamailio} package, installed when missing), in the foreground on a
 * free loopback UDP port, with its configuration, pid file and control socket in a temporary directory of its own;
 * never the system service. Its {@code permissions} module reads an address file (group 1), with the SIP domain SID
 * of each line as the peer tag, and its route answers an {@code OPTIONS}: 200 with the tag of the line that matched
 * the source address in {@value #TAG_HEADER}, or 403 when none did. {@code kamcmd} reaches it over the control socket,
 * as the bridge does.
 *
 * <p>For IPv6 it runs inside a {@link NetworkNamespace} instead, on port 5060 of 127.0.0.1 and of the namespace's
 * IPv6 address, and is probed from inside it; its control socket and address file are still reached from outside.
 */
final class Kamailio implements AutoCloseable {

    /** The reply header carrying the peer tag the source address matched: the SIP domain SID. */
    static final String TAG_HEADER = "X-Sipmap-Sip-Domain-Sid";

    /** How long Kamailio may take to start answering, and to stop. */
    private static final Duration START = Duration.ofSeconds(30);
    private static final Duration STOP = Duration.ofSeconds(10);

    private static final String CONFIG = """
            #!KAMAILIO
            # The sipmap tests' Kamailio: the permissions module over the address file the bridge writes.
            debug=2
            log_stderror=yes
            children=1
            disable_tcp=yes
            disable_sctp=yes
            auto_aliases=no
            @LISTEN@

            loadmodule "sl.so"
            loadmodule "pv.so"
            loadmodule "textops.so"
            loadmodule "ctl.so"
            loadmodule "permissions.so"

            modparam("ctl", "binrpc", "unix:@CTL@")
            # Only the address table: no allow/deny files, no database.
            modparam("permissions", "load_backends", 1)
            modparam("permissions", "address_file", "@ADDRESS_FILE@")
            # The tag column of the matching line, the SIP domain SID, lands in this AVP.
            modparam("permissions", "peer_tag_avp", "$avp(s:sipmap_sip_domain)")
            # 512 networks by default; an account may have more.
            modparam("permissions", "max_subnets", 4096)

            request_route {
                if (method == "OPTIONS") {
                    if (allow_source_address("1")) {
                        append_to_reply("@TAG_HEADER@: $avp(s:sipmap_sip_domain)\\r\\n");
                        sl_send_reply("200", "OK");
                    } else {
                        sl_send_reply("403", "Forbidden");
                    }
                    exit;
                }
                sl_send_reply("405", "Method Not Allowed");
            }
            """;

    private final Path program;
    private final Path kamcmd;
    private final Path dir;
    private final Path addressFile;
    private final int port;
    /** Where it runs and is probed; null for the host, on 127.0.0.1. */
    private final NetworkNamespace namespace;
    private Process process;

    private Kamailio(Path program, Path kamcmd, Path dir, Path addressFile, int port, NetworkNamespace namespace) {
        this.program = program;
        this.kamcmd = kamcmd;
        this.dir = dir;
        this.addressFile = addressFile;
        this.port = port;
        this.namespace = namespace;
    }

    /**
     * Installs Kamailio when missing and starts it over {@code addressFile}, which must exist (Kamailio refuses to
     * start without its address file; an empty one is fine). Returns once it answers SIP.
     */
    static Kamailio start(Path addressFile) throws IOException, InterruptedException {
        int port;
        try (DatagramSocket probe = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        return start(addressFile, port, null, "listen=udp:127.0.0.1:" + port);
    }

    /**
     * As {@link #start(Path)}, inside {@code namespace}: listening on 127.0.0.1:5060 and [its address]:5060 there,
     * probed from there.
     */
    static Kamailio startIn(NetworkNamespace namespace, Path addressFile) throws IOException, InterruptedException {
        int port = 5060;
        return start(addressFile, port, namespace, "listen=udp:127.0.0.1:" + port + "\nlisten=udp:["
                + namespace.address() + "]:" + port);
    }

    private static Kamailio start(Path addressFile, int port, NetworkNamespace namespace, String listen)
            throws IOException, InterruptedException {
        Path program = DebianPackages.require("kamailio", "kamailio");
        Path kamcmd = DebianPackages.require("kamcmd", "kamailio");
        Path dir = Files.createTempDirectory("sipmap-kamailio");
        Files.writeString(dir.resolve("kamailio.cfg"), CONFIG.replace("@LISTEN@", listen)
                .replace("@CTL@", dir.resolve("ctl").toString())
                .replace("@ADDRESS_FILE@", addressFile.toAbsolutePath().toString())
                .replace("@TAG_HEADER@", TAG_HEADER));
        Kamailio kamailio = new Kamailio(program, kamcmd, dir, addressFile, port, namespace);
        try {
            kamailio.launch();
        } catch (IOException | RuntimeException | InterruptedException e) {
            kamailio.close();
            throw e;
        }
        return kamailio;
    }

    private void launch() throws IOException, InterruptedException {
        Files.deleteIfExists(ctlSocket());
        // -DD: stay in the foreground (the tests own the process); -E: log to stderr, here a file in its directory.
        String[] command = {program.toString(), "-DD", "-E", "-f", dir.resolve("kamailio.cfg").toString(),
            "-P", dir.resolve("kamailio.pid").toString(), "-Y", dir.toString(), "-w", dir.toString(), "-m", "64", "-M",
            "8"};
        // ip netns exec enters the namespace and execs the program: the process started is Kamailio's
        process = new ProcessBuilder(namespace == null ? List.of(command) : namespace.inside(command))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("kamailio.log").toFile()))
                .start();
        process.getOutputStream().close();
        long deadline = System.nanoTime() + START.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("kamailio exited with status " + process.exitValue() + ":\n" + log());
            }
            if (Files.exists(ctlSocket()) && answers()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("kamailio did not answer within " + START + ":\n" + log());
            }
            Thread.sleep(100);
        }
    }

    private boolean answers() throws IOException {
        try {
            options("127.0.0.1", Duration.ofMillis(300), 1);
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        }
    }

    /** The UDP port it listens on, on 127.0.0.1 (and its namespace's address). */
    int port() {
        return port;
    }

    /** The control socket, as kamcmd and the bridge name it. */
    String ctl() {
        return "unix:" + ctlSocket();
    }

    Path ctlSocket() {
        return dir.resolve("ctl");
    }

    Path addressFile() {
        return addressFile;
    }

    /**
     * Sends OPTIONS from {@code source} (an address in 127.0.0.0/8; or, in a namespace, one of fd00::/8, to its IPv6
     * address) and returns Kamailio's reply.
     */
    SipProbe.Reply options(String source) throws IOException {
        return options(source, Duration.ofSeconds(2), 3);
    }

    private SipProbe.Reply options(String source, Duration timeout, int attempts) throws IOException {
        if (namespace == null) {
            return SipProbe.options(InetAddress.getByName(source), port, timeout, attempts);
        }
        return namespace.options(source, source.indexOf(':') >= 0 ? namespace.address() : "127.0.0.1", port, timeout,
                attempts);
    }

    /** Runs {@code kamcmd -s <ctl> <command...>} and returns what it printed (kamcmd exits 0 on RPC faults too). */
    String kamcmd(String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of(kamcmd.toString(), "-s", ctl()));
        line.addAll(List.of(command));
        Process run = new ProcessBuilder(line).redirectErrorStream(true).start();
        run.getOutputStream().close();
        if (!run.waitFor(10, TimeUnit.SECONDS)) {
            run.destroyForcibly();
            throw new IllegalStateException("kamcmd did not finish within 10 s");
        }
        return new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    /** The version line of the kamailio program, as {@code kamailio -v} prints it. */
    String version() throws IOException, InterruptedException {
        Process run = new ProcessBuilder(program.toString(), "-v").redirectErrorStream(true).start();
        run.getOutputStream().close();
        if (!run.waitFor(10, TimeUnit.SECONDS)) {
            run.destroyForcibly();
        }
        return new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .filter(l -> l.startsWith("version:")).findFirst().orElse("unknown").substring(8).strip();
    }

    /** Starts it again after {@link #stop()}, on the same port and files; returns once it answers SIP. */
    void startAgain() throws IOException, InterruptedException {
        if (process != null) {
            throw new IllegalStateException("kamailio is running");
        }
        launch();
    }

    /** Stops it: SIGTERM, and after {@code STOP} SIGKILL for it and every child it forked. */
    void stop() throws InterruptedException {
        if (process == null) {
            return;
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(STOP.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(STOP.toSeconds(), TimeUnit.SECONDS);
        }
        for (ProcessHandle child : children) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
        process = null;
    }

    /** Kamailio's log so far, for a failure's message. */
    String log() {
        try {
            List<String> lines = Files.readAllLines(dir.resolve("kamailio.log"), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        try {
            stop();
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException ignored) {
                // a temporary directory left behind is no failure of the test
            }
        }
    }
}

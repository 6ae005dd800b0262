package io.sipmap.kamailio;

import io.sipmap.testsupport.DebianPackages;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * A Linux network namespace of the tests' own ({@code ip netns add}), for SIP over IPv6 from many source addresses:
 * IPv6 has one loopback address, ::1, so the namespace's loopback interface gets a unique-local prefix, a
 * {@code local} route for all of fd00::/8 (a socket may then receive on any of those addresses) and
 * {@code net.ipv6.ip_nonlocal_bind} (and bind any of them). It has no other interface: no traffic leaves it. Programs
 * run inside it with {@code ip netns exec}; files and Unix sockets are shared with the host, so Kamailio's control
 * socket and address file work from outside. Named per process and run, and deleted on {@link #close()}; one left by
 * a test process that was killed before it could close it is deleted, with what still runs in it, by the next
 * {@link #create}.
 */
final class NetworkNamespace implements AutoCloseable {

    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final String PREFIX = "sipmap-";
    private static final Duration COMMAND = Duration.ofSeconds(20);

    private final Path ip;
    private final String name;
    private final String address;
    private Process probes;
    private Writer probeInput;
    private BufferedReader probeOutput;

    private NetworkNamespace(Path ip, String name, String address) {
        this.ip = ip;
        this.name = name;
        this.address = address;
    }

    /**
     * Makes a namespace whose loopback interface holds {@code address}/64 (of fd00::/8) and may bind any address of
     * fd00::/8. Aborts the test (a JUnit assumption, never a failure) where this machine cannot make one: not root, no
     * {@code CAP_SYS_ADMIN}, no {@code ip} program, a kernel without namespaces.
     */
    static NetworkNamespace create(String address) throws IOException, InterruptedException {
        if (!address.startsWith("fd")) {
            throw new IllegalArgumentException("a namespace of the tests holds fd00::/8 addresses only: " + address);
        }
        Path ip;
        try {
            ip = DebianPackages.require("ip", "iproute2");
        } catch (IOException | RuntimeException e) {
            Assumptions.abort("IPv6 Kamailio tests need a network namespace, and there is no ip program: " + e);
            throw e;
        }
        removeStale(ip);
        String name = PREFIX + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet();
        String made = run(List.of(ip.toString(), "netns", "add", name));
        if (made != null) {
            Assumptions.abort("IPv6 Kamailio tests need a network namespace of their own, and this machine cannot make"
                    + " one (they need root or CAP_SYS_ADMIN): ip netns add " + name + ": " + made);
        }
        NetworkNamespace namespace = new NetworkNamespace(ip, name, address);
        try {
            namespace.check(namespace.inside("ip", "link", "set", "lo", "up"));
            namespace.check(namespace.inside("ip", "-6", "addr", "add", address + "/64", "dev", "lo", "nodad"));
            namespace.check(namespace.inside("ip", "-6", "route", "add", "local", "fd00::/8", "dev", "lo",
                    "table", "local"));
            // procps, which has sysctl, is not on every minimal machine
            namespace.check(namespace.inside(DebianPackages.require("sysctl", "procps").toString(), "-q", "-w",
                    "net.ipv6.ip_nonlocal_bind=1"));
        } catch (IOException | RuntimeException | InterruptedException e) {
            namespace.close();
            throw e;
        }
        return namespace;
    }

    /** Its name, as {@code ip netns} lists it. */
    String name() {
        return name;
    }

    /** The address its loopback interface holds, where a server inside it listens. */
    String address() {
        return address;
    }

    /** {@code command} run inside the namespace: {@code ip netns exec <name> command...}. */
    List<String> inside(String... command) {
        List<String> line = new ArrayList<>(List.of(ip.toString(), "netns", "exec", name));
        line.addAll(List.of(command));
        return line;
    }

    /**
     * Sends OPTIONS from {@code source} to {@code target}:{@code port} inside the namespace ({@link SipProbe#main},
     * one JVM kept for every probe) and returns the final reply.
     *
     * @throws SocketTimeoutException when none came
     */
    synchronized SipProbe.Reply options(String source, String target, int port, Duration timeout, int attempts)
            throws IOException {
        if (probes == null) {
            startProbes();
        }
        probeInput.write(source + " " + target + " " + port + " " + timeout.toMillis() + " " + attempts + "\n");
        probeInput.flush();
        String line = probeOutput.readLine();
        if (line == null) {
            throw new IOException("the probe program in namespace " + name + " ended");
        }
        String[] f = line.split(" ");
        if (f.length == 2 && f[1].equals("timeout")) {
            throw new SocketTimeoutException("no final reply to OPTIONS from " + source + " to [" + target + "]:"
                    + port + " in namespace " + name);
        }
        if (f.length != 4 || !f[0].equals(source)) {
            throw new IOException("the probe program in namespace " + name + " answered " + line
                    + (f.length == 3 ? ": " + decode(f[2]) : ""));
        }
        return new SipProbe.Reply(Integer.parseInt(f[1]), Optional.of(f[2]).filter(t -> !t.equals("-")),
                decode(f[3]));
    }

    private void startProbes() throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        probes = new ProcessBuilder(inside(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
                System.getProperty("java.class.path"), SipProbe.class.getName()))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        probeInput = new OutputStreamWriter(probes.getOutputStream(), StandardCharsets.UTF_8);
        probeOutput = new BufferedReader(new InputStreamReader(probes.getInputStream(), StandardCharsets.UTF_8));
        String first = probeOutput.readLine();
        if (!"ready".equals(first)) {
            throw new IllegalStateException("the probe program in namespace " + name + " did not start: " + first);
        }
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
    }

    private void check(List<String> command) throws IOException, InterruptedException {
        String failed = run(command);
        if (failed != null) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + failed);
        }
    }

    /** Runs {@code command}; null when it exited 0, else its status and output. */
    private static String run(List<String> command) throws IOException, InterruptedException {
        String[] result = outcome(command);
        return result[0] == null ? null : result[0] + ": " + result[1];
    }

    /** Runs {@code command}: its failure (null when it exited 0) and its output. */
    private static String[] outcome(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        if (!process.waitFor(COMMAND.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new String[] {"did not finish within " + COMMAND, ""};
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return new String[] {process.exitValue() == 0 ? null : "exit status " + process.exitValue(), output};
    }

    /** Deletes the namespaces of test processes no longer running, after killing what still runs in them. */
    private static void removeStale(Path ip) throws IOException, InterruptedException {
        String[] list = outcome(List.of(ip.toString(), "netns", "list"));
        if (list[0] != null) {
            return; // cannot list: create says why it cannot make one either
        }
        for (String line : list[1].lines().toList()) {
            String name = line.split(" ")[0];
            String[] parts = name.split("-");
            if (!name.startsWith(PREFIX) || parts.length != 3 || !parts[1].matches("[0-9]{1,10}")
                    || ProcessHandle.of(Long.parseLong(parts[1])).isPresent()) {
                continue;
            }
            for (String pid : outcome(List.of(ip.toString(), "netns", "pids", name))[1].lines().toList()) {
                if (pid.matches("[0-9]{1,10}")) {
                    ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
            String failed = run(List.of(ip.toString(), "netns", "del", name));
            System.err.println("NetworkNamespace: " + name + ", left by test process " + parts[1] + " which no longer"
                    + " runs, " + (failed == null ? "deleted" : "not deleted: " + failed));
        }
    }

    /** Ends the probe program and deletes the namespace (the programs inside it must have ended first). */
    @Override
    public void close() throws InterruptedException, IOException {
        try {
            if (probes != null) {
                probes.getOutputStream().close();
                if (!probes.waitFor(5, TimeUnit.SECONDS)) {
                    probes.destroyForcibly();
                    probes.waitFor(5, TimeUnit.SECONDS);
                }
            }
        } finally {
            String deleted = run(List.of(ip.toString(), "netns", "del", name));
            if (deleted != null) {
                throw new IllegalStateException("ip netns del " + name + ": " + deleted);
            }
        }
    }
}

package io.sipmap.debian;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Debian packages a test needs and the machine lacks: installed with apt-get, saying so on standard error, and taken
 * away again afterwards, every package the installation brought with it, so that the machine's package list is what
 * it was.
 */
final class AptPackages implements AutoCloseable {

    private static final Duration APT_LIMIT = Duration.ofMinutes(10);

    private final Map<String, String> before;
    private final boolean installed;

    private AptPackages(Map<String, String> before, boolean installed) {
        this.before = before;
        this.installed = installed;
    }

    /** Installs {@code debianPackage} unless {@code program} is already in /usr/bin or /usr/sbin. */
    static AptPackages require(String program, String debianPackage) throws IOException, InterruptedException {
        Map<String, String> before = statuses();
        if (Files.isExecutable(Path.of("/usr/bin", program)) || Files.isExecutable(Path.of("/usr/sbin", program))) {
            return new AptPackages(before, false);
        }
        System.err.println("sipmap tests: " + program + " is missing; installing the Debian package " + debianPackage
                + " with apt-get, and removing it afterwards");
        var packages = new AptPackages(before, true);
        try {
            Shell.run(APT_LIMIT, List.of("apt-get", "update", "-q")).requireSuccess();
            Shell.run(APT_LIMIT, List.of("apt-get", "install", "-y", "-q", "--no-install-recommends", debianPackage))
                    .requireSuccess();
        } catch (RuntimeException | IOException | InterruptedException e) {
            packages.close();
            throw e;
        }
        return packages;
    }

    /** The package name and status abbreviation ("ii", "rc", ...) of every package dpkg knows. */
    static Map<String, String> statuses() throws IOException, InterruptedException {
        String out = Shell.run(Duration.ofMinutes(1),
                List.of("dpkg-query", "-W", "-f", "${binary:Package} ${db:Status-Abbrev}\\n")).requireSuccess()
                .output();
        Map<String, String> statuses = new TreeMap<>();
        for (String line : out.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length == 2) {
                statuses.put(fields[0], fields[1]);
            }
        }
        return statuses;
    }

    /** Purges what was not known to dpkg before, and removes again what was only configuration files then. */
    @Override
    public void close() throws IOException, InterruptedException {
        if (!installed) {
            return;
        }
        List<String> purge = new ArrayList<>();
        List<String> remove = new ArrayList<>();
        statuses().forEach((name, status) -> {
            String was = before.get(name);
            if (was == null) {
                purge.add(name);
            } else if (!was.startsWith("ii") && status.startsWith("ii")) {
                remove.add(name);
            }
        });
        System.err.println("sipmap tests: removing what apt-get installed for the test: " + purge + remove);
        if (!purge.isEmpty()) {
            List<String> command = new ArrayList<>(List.of("apt-get", "purge", "-y", "-q"));
            command.addAll(purge);
            Shell.run(APT_LIMIT, command).requireSuccess();
        }
        if (!remove.isEmpty()) {
            List<String> command = new ArrayList<>(List.of("apt-get", "remove", "-y", "-q"));
            command.addAll(remove);
            Shell.run(APT_LIMIT, command).requireSuccess();
        }
    }
}

package io.sipmap.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real programs from Debian's packages that a test needs: found on the PATH, or installed with {@code apt-get} (as
 * root, which the project's machines and CI are) when missing, saying so on standard error. Daemons' programs live in
 * /usr/sbin, which a user's PATH may lack, so that is searched too.
 */
public final class DebianPackages {

    private DebianPackages() {
    }

    /** The path of {@code program}, installing {@code debianPackage} first when it is not on the PATH. */
    public static synchronized Path require(String program, String debianPackage)
            throws IOException, InterruptedException {
        Path found = which(program);
        if (found != null) {
            return found;
        }
        System.err.println("sipmap tests: " + program + " is missing; installing the Debian package " + debianPackage
                + " with apt-get");
        run(List.of("apt-get", "update"));
        // A package with a daemon (kamailio, prometheus) starts its system service when installed, unless the
        // policy-rc.d hook refuses: the tests run their own instance and want no service, so refuse for the install.
        Path policy = Path.of("/usr/sbin/policy-rc.d");
        boolean ownPolicy = !Files.exists(policy);
        if (ownPolicy) {
            Files.writeString(policy, "#!/bin/sh\n# written by the sipmap tests for one apt-get install\nexit 101\n");
            policy.toFile().setExecutable(true);
        }
        try {
            run(List.of("apt-get", "install", "-y", "--no-install-recommends", debianPackage));
        } finally {
            if (ownPolicy) {
                Files.deleteIfExists(policy);
            }
        }
        found = which(program);
        if (found == null) {
            throw new IllegalStateException(debianPackage + " was installed, yet " + program + " is not on the PATH");
        }
        return found;
    }

    private static Path which(String program) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin";
        for (String dir : path.split(":")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive"); // no question asked of a terminal
        Process process = builder.start();
        process.getOutputStream().close();
        // apt's progress through System.err: a child writing to the inherited descriptor corrupts surefire's channel
        Thread pump = new Thread(() -> {
            try (var lines = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                lines.lines().forEach(System.err::println);
            } catch (IOException | UncheckedIOException ignored) {
                // the process was killed: its output ends here
            }
        }, "apt-get-output");
        pump.setDaemon(true);
        pump.start();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish within 10 minutes");
        }
        pump.join(5_000);
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed with status " + process.exitValue()
                    + "; install it by hand and run the tests again");
        }
    }
}

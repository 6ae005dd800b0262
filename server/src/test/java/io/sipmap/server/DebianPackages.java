package io.sipmap.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real programs from Debian's packages that a test needs: found on the PATH, or installed with {@code apt-get} (as
 * root, which the project's machines and CI are) when missing, saying so on standard output.
 */
final class DebianPackages {

    private DebianPackages() {
    }

    /** The path of {@code program}, installing {@code debianPackage} first when it is not on the PATH. */
    static synchronized Path require(String program, String debianPackage) throws IOException, InterruptedException {
        Path found = which(program);
        if (found != null) {
            return found;
        }
        System.out.println("sipmap tests: " + program + " is missing; installing the Debian package " + debianPackage
                + " with apt-get");
        run(List.of("apt-get", "update"));
        run(List.of("apt-get", "install", "-y", "--no-install-recommends", debianPackage));
        found = which(program);
        if (found == null) {
            throw new IllegalStateException(debianPackage + " was installed, yet " + program + " is not on the PATH");
        }
        return found;
    }

    private static Path which(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.INHERIT).start();
        process.getOutputStream().close();
        if (!process.waitFor(10, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish within 10 minutes");
        }
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed with status " + process.exitValue()
                    + "; install it by hand and run the tests again");
        }
    }
}

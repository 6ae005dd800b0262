package io.sipmap.debian;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program to its end within a bounded time, its standard input empty (so that a program that asks a question
 * fails rather than waits) and its output, both streams, collected in a file (no pipe for it to block on).
 */
final class Shell {

    /** What a program printed, and its exit status. */
    record Result(List<String> command, int status, String output) {

        Result requireSuccess() {
            if (status != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed with status " + status + ":\n"
                        + output);
            }
            return this;
        }
    }

    private Shell() {
    }

    static Result run(Duration limit, List<String> command) throws IOException, InterruptedException {
        return run(limit, Map.of(), command);
    }

    static Result run(Duration limit, Map<String, String> environment, List<String> command)
            throws IOException, InterruptedException {
        Path output = Files.createTempFile("sipmap-debian-", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(output.toFile());
            builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + limit + ":\n"
                        + Files.readString(output, StandardCharsets.UTF_8));
            }
            return new Result(command, process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(output);
        }
    }
}

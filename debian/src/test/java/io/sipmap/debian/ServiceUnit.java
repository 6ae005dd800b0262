package io.sipmap.debian;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The [Service] section of an installed systemd unit, read as systemd reads the part of it this package uses, so
 * that a test can run the service's command as systemd would where systemd is not running: as {@code User}, in
 * {@code WorkingDirectory}, with the environment of {@code Environment=} lines, then of the {@code EnvironmentFile}s.
 */
record ServiceUnit(List<String> execStart, String user, Path workingDirectory, String stateDirectory,
                   Map<String, String> environment, List<String> environmentFiles, List<Integer> successExitStatus) {

    /** What systemd gives every system service to start with (its default PATH, then User='s). */
    private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    static ServiceUnit read(Path unit) throws IOException {
        Map<String, List<String>> keys = new LinkedHashMap<>();
        boolean service = false;
        for (String raw : Files.readAllLines(unit, StandardCharsets.UTF_8)) {
            String line = raw.strip();
            if (line.startsWith("[")) {
                service = line.equals("[Service]");
            } else if (service && !line.isEmpty() && !line.startsWith("#") && !line.startsWith(";")) {
                int equals = line.indexOf('=');
                keys.computeIfAbsent(line.substring(0, equals).strip(), k -> new ArrayList<>())
                        .add(line.substring(equals + 1).strip());
            }
        }
        String execStart = only(keys, "ExecStart");
        if (execStart.contains("$") || execStart.contains("\"") || execStart.contains("%")) {
            throw new IllegalArgumentException("ExecStart needs systemd's expansion, which this reader lacks: "
                    + execStart);
        }
        Map<String, String> environment = new LinkedHashMap<>();
        for (String assignments : keys.getOrDefault("Environment", List.of())) {
            for (String assignment : words(assignments)) {
                int equals = assignment.indexOf('=');
                environment.put(assignment.substring(0, equals), assignment.substring(equals + 1));
            }
        }
        return new ServiceUnit(List.of(execStart.split("\\s+")), only(keys, "User"),
                Path.of(only(keys, "WorkingDirectory")), only(keys, "StateDirectory"), environment,
                keys.getOrDefault("EnvironmentFile", List.of()),
                keys.getOrDefault("SuccessExitStatus", List.of()).stream().flatMap(v -> words(v).stream())
                        .map(Integer::valueOf).toList());
    }

    /** Whether systemd counts a main process's exit with {@code status} as a success. */
    boolean succeeded(int status) {
        return status == 0 || successExitStatus.contains(status);
    }

    /**
     * The service's environment: systemd's, the unit's, its environment files' (a file named with a leading '-' may
     * be missing), then {@code overrides}.
     */
    Map<String, String> environment(Map<String, String> overrides) throws IOException {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("PATH", PATH);
        all.put("USER", user);
        all.put("LOGNAME", user);
        all.putAll(environment);
        for (String name : environmentFiles) {
            boolean optional = name.startsWith("-");
            Path file = Path.of(optional ? name.substring(1) : name);
            if (optional && !Files.exists(file)) {
                continue;
            }
            all.putAll(readEnvironmentFile(file));
        }
        all.putAll(overrides);
        return all;
    }

    /** The {@code runuser} command that starts the service as its user, with exactly {@code environment}. */
    List<String> runuserCommand(Map<String, String> environment) {
        List<String> command = new ArrayList<>(List.of("runuser", "-u", user, "--", "env", "-i"));
        environment.forEach((key, value) -> command.add(key + "=" + value));
        command.addAll(execStart);
        return command;
    }

    /** VARIABLE=value lines; '#' and ';' start comments; a value in double or single quotes loses them. */
    static Map<String, String> readEnvironmentFile(Path file) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            int equals = line.indexOf('=');
            String value = line.substring(equals + 1).strip();
            if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                    || value.startsWith("'") && value.endsWith("'"))) {
                value = value.substring(1, value.length() - 1);
            }
            values.put(line.substring(0, equals).strip(), value);
        }
        return values;
    }

    private static String only(Map<String, List<String>> keys, String key) {
        List<String> values = keys.getOrDefault(key, List.of());
        if (values.size() != 1) {
            throw new IllegalArgumentException("expected one " + key + "=, found " + values);
        }
        return values.get(0);
    }

    /** Whitespace-separated words, a double-quoted one taken whole without its quotes. */
    private static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        for (char c : text.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (Character.isWhitespace(c) && !quoted) {
                if (word.length() > 0) {
                    words.add(word.toString());
                    word.setLength(0);
                }
            } else {
                word.append(c);
            }
        }
        if (word.length() > 0) {
            words.add(word.toString());
        }
        return words;
    }
}

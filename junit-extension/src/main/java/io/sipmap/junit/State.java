package io.sipmap.junit;

/** How long what a test writes to the server of a {@link SipmapExtension} lasts. */
public enum State {
    /**
     * Each test starts with the account empty, but for the records files (the default): before each test the
     * account's mappings and IP records are deleted and the records files loaded again. What a {@code @BeforeAll}
     * method writes is gone by the first test; the change feed's event numbers go on from test to test.
     */
    PER_TEST,
    /**
     * The tests of a class share what they write, in the order JUnit runs them; the records files are loaded once,
     * when the class's server starts.
     */
    PER_CLASS
}

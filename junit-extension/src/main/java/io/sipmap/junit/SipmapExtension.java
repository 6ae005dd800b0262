package io.sipmap.junit;

import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import io.sipmap.domain.SipmapException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A Twilio-compatible sipmap server for JUnit 5 tests: {@link SipmapTest} for the common case, or
 * {@link #builder()} with {@code @RegisterExtension} for every setting:
 *
 * <pre>{@code
 * @RegisterExtension
 * static SipmapExtension sipmap = SipmapExtension.builder()
 *         .account("AC...", "token").state(State.PER_CLASS).records("src/test/resources/ip-records.json")
 *         .build();
 * }</pre>
 *
 * <p><b>Life cycle.</b> The server starts before the class's first test (before {@code @BeforeAll} methods) on the
 * JVM's one shared Vert.x instance, and stops after its last; registered on an instance field rather than a static
 * one, it starts and stops around each test instead. {@link State#PER_TEST} (the default) empties the account and
 * loads the records files before each test, ahead of {@code @BeforeEach} methods; {@link State#PER_CLASS} keeps what
 * the class's tests write. Armed {@linkplain SipmapFaults faults} are disarmed after each test. {@code @Nested} classes
 * share their enclosing class's server.
 *
 * <p><b>Parameters.</b> Test, lifecycle and constructor parameters of these types are injected:
 * {@link SipmapServerInfo}; {@link SipmapClient}, built for the account and closed after the test (or class) that
 * asked; {@link SipmapFaults}; and {@code com.twilio.http.TwilioRestClient}, with the account's credentials and an
 * HTTP client that sends Twilio's {@code https://voice.twilio.com} requests to the server. Twilio's SDK is an optional
 * dependency: the extension names it in one class, which it loads only for that parameter.
 *
 * <p><b>Threads.</b> An extension instance and its builder's result are immutable and may be shared. The tests of one
 * class must not run concurrently under {@link State#PER_TEST} (each test empties the account); classes may, each with
 * its own server. JUnit 5.13 or later (it closes the server as an {@link AutoCloseable} in its store). The server
 * logs no credentials.
 */
public final class SipmapExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        ParameterResolver {

    private static final ExtensionContext.Namespace SHARED =
            ExtensionContext.Namespace.create(SipmapExtension.class);

    /** Null for the annotation's extension, which reads its settings from {@link SipmapTest}. */
    private final Settings settings;
    private final ExtensionContext.Namespace namespace;

    /** The extension {@link SipmapTest} registers: settings from the annotation on the test class. */
    public SipmapExtension() {
        this(null);
    }

    private SipmapExtension(Settings settings) {
        this.settings = settings;
        this.namespace = ExtensionContext.Namespace.create(SipmapExtension.class, UUID.randomUUID());
    }

    /** A builder with the defaults of {@link SipmapTest}. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server(context);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        server(context).beforeEach();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        RunningServer server = context.getStore(namespace).get(RunningServer.class, RunningServer.class);
        if (server != null) {
            server.afterEach();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        // the SDK's type by name: comparing classes would load the SDK, which may be absent
        return type == SipmapServerInfo.class || type == SipmapClient.class || type == SipmapFaults.class
                || type.getName().equals(TwilioClients.REST_CLIENT);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        RunningServer server = server(context);
        Class<?> type = parameter.getParameter().getType();
        if (type == SipmapServerInfo.class) {
            return server.info();
        }
        if (type == SipmapFaults.class) {
            return server.faults();
        }
        ExtensionContext.Store store = context.getStore(namespace);
        if (type == SipmapClient.class) {
            SipmapClient client = server.info().clientBuilder().vertx(server.vertx()).build();
            store.put(new Object(), client); // closed with the test (or class) that asked for it
            return client;
        }
        return TwilioClients.restClient(server.info(), closeable -> store.put(new Object(), closeable));
    }

    /** The server of this context: its class's, started on first use, or one of its own for a test. */
    private RunningServer server(ExtensionContext context) {
        SharedVertx.Lease vertx = context.getRoot().getStore(SHARED)
                .getOrComputeIfAbsent(SharedVertx.Lease.class, key -> SharedVertx.lease(), SharedVertx.Lease.class);
        return context.getStore(namespace).getOrComputeIfAbsent(RunningServer.class,
                key -> start(settingsFor(context), vertx, context), RunningServer.class);
    }

    private static RunningServer start(Settings settings, SharedVertx.Lease vertx, ExtensionContext context) {
        try {
            return RunningServer.start(settings, vertx.vertx(), context.getRequiredTestClass().getClassLoader());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("The sipmap server for " + context.getRequiredTestClass().getName()
                    + " did not start: " + e.getMessage(), e);
        }
    }

    private Settings settingsFor(ExtensionContext context) {
        if (settings != null) {
            return settings;
        }
        for (Class<?> type = context.getRequiredTestClass(); type != null; type = type.getEnclosingClass()) {
            SipmapTest test = type.getAnnotation(SipmapTest.class);
            if (test != null) {
                return Settings.of(test);
            }
        }
        throw new ExtensionConfigurationException("SipmapExtension registered without @SipmapTest on "
                + context.getRequiredTestClass().getName() + ": use @SipmapTest, or SipmapExtension.builder() with"
                + " @RegisterExtension");
    }

    /**
     * Settings for a {@link SipmapExtension}, starting from the defaults of {@link SipmapTest}: a free port, the
     * account {@value SipmapTest#DEFAULT_ACCOUNT_SID} with token {@value SipmapTest#DEFAULT_AUTH_TOKEN}, no API key,
     * {@link Store#MEMORY}, {@link State#PER_TEST}, no records. Not thread-safe; {@link #build()} checks the settings.
     */
    public static final class Builder {

        private int port;
        private String accountSid = SipmapTest.DEFAULT_ACCOUNT_SID;
        private String authToken = SipmapTest.DEFAULT_AUTH_TOKEN;
        private String apiKeySid;
        private String apiKeySecret;
        private Store store = Store.MEMORY;
        private State state = State.PER_TEST;
        private final List<String> records = new ArrayList<>();

        private Builder() {
        }

        /** The port to listen on on 127.0.0.1: 0 (the default) for a free one, else that one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The account the server knows and its auth token: what code under test authenticates with. */
        public Builder account(String accountSid, String authToken) {
            this.accountSid = Objects.requireNonNull(accountSid, "accountSid");
            this.authToken = Objects.requireNonNull(authToken, "authToken");
            return this;
        }

        /** An API key of the account ({@code SK} and 32 hex digits) and its secret, accepted beside the token. */
        public Builder apiKey(String apiKeySid, String secret) {
            this.apiKeySid = Objects.requireNonNull(apiKeySid, "apiKeySid");
            this.apiKeySecret = Objects.requireNonNull(secret, "secret");
            return this;
        }

        /** Where records are kept: {@link Store#MEMORY} (the default) or {@link Store#EMBEDDED}. */
        public Builder store(Store store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /** {@link State#PER_TEST} (the default): each test starts empty; {@link State#PER_CLASS}: state is shared. */
        public Builder state(State state) {
            this.state = Objects.requireNonNull(state, "state");
            return this;
        }

        /**
         * A file of records to load, in Twilio's list shapes as {@code GET /v1/IpRecords} and
         * {@code GET /v1/SourceIpMappings} answer them ({@code {"ip_records": [...], "meta": {...}}},
         * {@code {"source_ip_mappings": [...]}}, or one object with both), SIDs and dates kept, IP records put in the
         * server's account; loaded before each test, or once for {@link State#PER_CLASS}. Every file's IP records are
         * loaded before any mapping. May be given several times.
         *
         * @param location a path relative to the working directory, or {@code classpath:name} for a resource of the
         *                 test class's class loader
         */
        public Builder records(String location) {
            records.add(Objects.requireNonNull(location, "location"));
            return this;
        }

        /** {@link #records(String)} from a file. */
        public Builder records(Path file) {
            return records(Objects.requireNonNull(file, "file").toString());
        }

        /** @throws IllegalArgumentException for a malformed SID, a bad port, an empty token */
        public SipmapExtension build() {
            try {
                ApiKeySid key = apiKeySid == null ? null : ApiKeySid.parse(apiKeySid, "apiKeySid");
                return new SipmapExtension(new Settings(port, AccountSid.parse(accountSid, "accountSid"), authToken,
                        key, apiKeySecret, store, state, records));
            } catch (SipmapException.InvalidParameter e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        }
    }
}

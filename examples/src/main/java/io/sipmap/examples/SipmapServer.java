package io.sipmap.examples;

import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.adapter.http.server.SipmapVerticle;
import io.sipmap.adapter.inmemory.InMemoryStores;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import io.sipmap.service.IpRecordService;
import io.sipmap.service.ResolutionService;
import io.sipmap.service.SourceIpMappingService;
import io.sipmap.spi.SidGenerator;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.net.BindException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * A Twilio-compatible server over the in-memory stores: the HTTP adapter, the services and the stores wired by plain
 * constructors. Settings come from flags, else the environment, else defaults; see {@link Settings#parse}.
 *
 * <pre>mvn -B -q -pl examples -am compile exec:java</pre>
 */
public final class SipmapServer implements AutoCloseable {

    private final Vertx vertx;
    private final SipmapVerticle verticle;
    private final Settings settings;

    private SipmapServer(Vertx vertx, SipmapVerticle verticle, Settings settings) {
        this.vertx = vertx;
        this.verticle = verticle;
        this.settings = settings;
    }

    public static void main(String[] args) {
        start(args, System.getenv(), System.out, System.err);
    }

    /**
     * Where clients reach the server. Settings, from flags over environment variables over defaults:
     *
     * @param host          {@code --host}, {@code SIPMAP_HOST}; default 127.0.0.1
     * @param port          {@code --port}, {@code SIPMAP_PORT}; default 8080, 0 for any free port
     * @param publicBaseUrl {@code --public-base-url}, {@code SIPMAP_PUBLIC_BASE_URL}; default the request's Host
     * @param account       {@code TWILIO_ACCOUNT_SID}; generated when absent, with the token
     * @param authToken     {@code TWILIO_AUTH_TOKEN}
     * @param apiKey        {@code TWILIO_API_KEY}, optional, an {@code SK...} key of the account
     * @param apiSecret     {@code TWILIO_API_SECRET}, required with the key
     * @param generated     whether the account and token were generated here, so are printed
     * @param rateLimit     {@code --rate-limit}, {@code SIPMAP_RATE_LIMIT}: requests per second per account on
     *                      average, answered 429 beyond; default 0, no limit
     * @param rateBurst     {@code --rate-burst}, {@code SIPMAP_RATE_BURST}: how many of them may come at once; default
     *                      the rate limit
     */
    public record Settings(String host, int port, Optional<String> publicBaseUrl, AccountSid account, String authToken,
                           Optional<ApiKeySid> apiKey, Optional<String> apiSecret, boolean generated, int rateLimit,
                           int rateBurst) {

        /** Settings without a rate limit. */
        public Settings(String host, int port, Optional<String> publicBaseUrl, AccountSid account, String authToken,
                        Optional<ApiKeySid> apiKey, Optional<String> apiSecret, boolean generated) {
            this(host, port, publicBaseUrl, account, authToken, apiKey, apiSecret, generated, 0, 0);
        }

        /**
         * Reads flags and environment.
         *
         * @throws IllegalArgumentException with a message for the user when a setting is wrong
         */
        public static Settings parse(String[] args, Map<String, String> env) {
            String host = env.getOrDefault("SIPMAP_HOST", SipmapServerOptions.DEFAULT_HOST);
            String port = env.getOrDefault("SIPMAP_PORT", String.valueOf(SipmapServerOptions.DEFAULT_PORT));
            String base = env.get("SIPMAP_PUBLIC_BASE_URL");
            String rate = env.getOrDefault("SIPMAP_RATE_LIMIT", "0");
            String burst = env.get("SIPMAP_RATE_BURST");
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                String value = i + 1 < args.length ? args[i + 1] : null;
                switch (flag) {
                    case "--host" -> host = required(flag, value);
                    case "--port" -> port = required(flag, value);
                    case "--public-base-url" -> base = required(flag, value);
                    case "--rate-limit" -> rate = required(flag, value);
                    case "--rate-burst" -> burst = required(flag, value);
                    default -> throw new IllegalArgumentException("unknown argument " + flag
                            + "; known: --host H, --port P, --public-base-url URL, --rate-limit N, --rate-burst N");
                }
                i++;
            }
            int portNumber;
            try {
                portNumber = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the port must be a number 0..65535, got " + port);
            }
            int rateLimit = count(rate, "the rate limit (--rate-limit, SIPMAP_RATE_LIMIT)", 0);
            int rateBurst = blankToNull(burst) == null ? rateLimit
                    : count(burst, "the rate burst (--rate-burst, SIPMAP_RATE_BURST)", 1);
            if (rateLimit == 0 && blankToNull(burst) != null) {
                throw new IllegalArgumentException("a rate burst needs a rate limit (--rate-limit, SIPMAP_RATE_LIMIT)");
            }
            String sid = blankToNull(env.get("TWILIO_ACCOUNT_SID"));
            String token = blankToNull(env.get("TWILIO_AUTH_TOKEN"));
            String key = blankToNull(env.get("TWILIO_API_KEY"));
            String secret = blankToNull(env.get("TWILIO_API_SECRET"));
            if ((sid == null) != (token == null)) {
                throw new IllegalArgumentException("set both TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, or neither");
            }
            if ((key == null) != (secret == null) || key != null && sid == null) {
                throw new IllegalArgumentException(
                        "TWILIO_API_KEY needs TWILIO_API_SECRET, and the account (TWILIO_ACCOUNT_SID) it belongs to");
            }
            boolean generated = sid == null;
            SecureRandom random = new SecureRandom();
            AccountSid account = generated ? AccountSid.ofHex(randomHex(random)) : parse(() -> new AccountSid(
                    env.get("TWILIO_ACCOUNT_SID")), "TWILIO_ACCOUNT_SID");
            Optional<ApiKeySid> apiKey = key == null ? Optional.empty()
                    : Optional.of(parse(() -> new ApiKeySid(key), "TWILIO_API_KEY"));
            return new Settings(host, portNumber, Optional.ofNullable(blankToNull(base)), account,
                    generated ? randomHex(random) : token, apiKey, Optional.ofNullable(secret), generated, rateLimit,
                    rateBurst);
        }

        private static int count(String text, String what, int min) {
            try {
                int value = Integer.parseInt(text.trim());
                if (value >= min) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(what + " must be a whole number >= " + min + ", got " + text);
        }

        /** Without the token and secret, so that settings can be logged. */
        @Override
        public String toString() {
            return "Settings[host=" + host + ", port=" + port + ", publicBaseUrl=" + publicBaseUrl + ", account="
                    + account + ", apiKey=" + apiKey + ", generated=" + generated + ", rateLimit=" + rateLimit
                    + ", rateBurst=" + rateBurst + "]";
        }

        /** The server's options for these settings. */
        public SipmapServerOptions options() {
            Credentials credentials = Credentials.of(account, authToken);
            if (apiKey.isPresent()) {
                credentials = credentials.withApiKey(apiKey.get(), apiSecret.orElseThrow(), account);
            }
            return SipmapServerOptions.of(credentials)
                    .withHost(host)
                    .withPort(port)
                    .withPublicBaseUrl(publicBaseUrl.orElse(null))
                    .withRequestLog(true)
                    .withRateLimit(rateLimit, rateBurst, Clock.systemUTC());
        }

        private static String required(String flag, String value) {
            if (value == null) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return value;
        }

        private static String blankToNull(String value) {
            return value == null || value.isBlank() ? null : value;
        }

        private static <T> T parse(java.util.function.Supplier<T> parser, String variable) {
            try {
                return parser.get();
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(variable + ": " + e.getMessage());
            }
        }

        private static String randomHex(SecureRandom random) {
            byte[] bytes = new byte[16];
            random.nextBytes(bytes);
            return HexFormat.of().formatHex(bytes);
        }
    }

    /**
     * Starts a server: in-memory stores, services with the system clock and time-ordered SIDs, the HTTP verticle.
     *
     * @throws IllegalStateException with a message for the user when it cannot listen (the port is taken, say)
     */
    public static SipmapServer run(Settings settings) {
        SipmapServerOptions options;
        try {
            options = settings.options();
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("sipmap: " + e.getMessage(), e);
        }
        InMemoryStores stores = InMemoryStores.create();
        Clock clock = Clock.systemUTC();
        SidGenerator sids = SidGenerator.timeOrdered(clock, new SecureRandom()::nextLong);
        var verticle = new SipmapVerticle(new SourceIpMappingService(stores.sourceIpMappings(), clock, sids),
                new IpRecordService(stores.ipRecords(), clock, sids), new ResolutionService(stores.resolutions()),
                options);
        Vertx vertx = Vertx.vertx();
        try {
            vertx.deployVerticle(verticle).await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            String where = settings.host() + ":" + settings.port();
            throw new IllegalStateException(e instanceof BindException
                    ? "sipmap: cannot listen on " + where + ": " + e.getMessage()
                            + ". Is another server running? Choose another port with --port or SIPMAP_PORT."
                    : "sipmap: cannot start on " + where + ": " + e, e);
        }
        return new SipmapServer(vertx, verticle, settings);
    }

    /** The port bound. */
    public int port() {
        return verticle.actualPort();
    }

    /** Where clients reach {@code /v1}: the public base URL, else {@code http://host:port}. */
    public String baseUrl() {
        return settings.publicBaseUrl().orElse("http://" + settings.host() + ":" + port());
    }

    /** Stops accepting connections, lets in-flight requests finish, and releases every thread. */
    @Override
    public void close() {
        try {
            vertx.close().await(SipmapServerOptions.DEFAULT_SHUTDOWN_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("sipmap: did not stop cleanly: " + e, e);
        }
    }

    /**
     * What {@code main} does: parse, start, print where and how to call it, stop on SIGTERM or Ctrl-C. Exits the JVM
     * with status 2 on bad settings and 1 when it cannot listen; otherwise Vert.x's threads keep it running.
     */
    static void start(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        SipmapServer server;
        try {
            server = run(Settings.parse(args, env));
        } catch (IllegalArgumentException e) {
            err.println("sipmap: " + e.getMessage());
            System.exit(2);
            return;
        } catch (IllegalStateException e) {
            err.println(e.getMessage());
            System.exit(1);
            return;
        }
        logOneLinePerRecord(out);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("sipmap: stopping, letting requests in flight finish");
            server.close();
            out.println("sipmap: stopped");
        }, "sipmap-shutdown"));
        out.println(server.banner());
    }

    String banner() {
        Settings s = settings;
        String list = baseUrl() + "/v1/IpRecords";
        StringBuilder text = new StringBuilder()
                .append("sipmap: Twilio Voice v1 IpRecords and SourceIpMappings on http://")
                .append(s.host()).append(':').append(port()).append(" (in memory)\n");
        if (s.rateLimit() > 0) {
            text.append("sipmap: at most ").append(s.rateLimit()).append(" requests per second per account, ")
                    .append(s.rateBurst()).append(" at once; 429 beyond\n");
        }
        if (s.generated()) {
            text.append("sipmap: no TWILIO_ACCOUNT_SID/TWILIO_AUTH_TOKEN given, so made up these:\n")
                    .append("  TWILIO_ACCOUNT_SID=").append(s.account()).append('\n')
                    .append("  TWILIO_AUTH_TOKEN=").append(s.authToken()).append('\n')
                    .append("sipmap: try\n  curl -u ").append(s.account()).append(':').append(s.authToken())
                    .append(' ').append(list);
        } else {
            text.append("sipmap: accepting account ").append(s.account())
                    .append(s.apiKey().map(k -> " and API key " + k).orElse(""))
                    .append("\nsipmap: try\n  curl -u \"$TWILIO_ACCOUNT_SID:$TWILIO_AUTH_TOKEN\" ").append(list);
        }
        return text.toString();
    }

    private static String stackTrace(Throwable thrown) {
        var text = new java.io.StringWriter();
        thrown.printStackTrace(new java.io.PrintWriter(text));
        return text.toString().stripTrailing();
    }

    /** The request log, one line each: time, level, message. JUL's default takes two lines per record. */
    private static void logOneLinePerRecord(PrintStream out) {
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        Handler handler = new Handler() {
            private final Formatter formatter = new Formatter() {
                @Override
                public String format(LogRecord record) {
                    return record.getInstant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS) + " "
                            + record.getLevel() + " " + formatMessage(record)
                            + (record.getThrown() == null ? "" : "\n" + stackTrace(record.getThrown()));
                }
            };

            @Override
            public void publish(LogRecord record) {
                if (isLoggable(record)) {
                    out.println(formatter.format(record));
                }
            }

            @Override
            public void flush() {
                out.flush();
            }

            @Override
            public void close() {
                flush();
            }
        };
        handler.setLevel(Level.INFO);
        root.addHandler(handler);
    }
}

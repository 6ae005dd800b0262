package io.sipmap.server;

import static io.sipmap.kamailio.KamailioBridgeCommand.blankToNull;

import io.sipmap.adapter.http.server.SipmapServerOptions;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import io.sipmap.kamailio.KamailioBridgeCommand;
import io.vertx.pgclient.PgConnectOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The server's command line. Each setting is a flag, else an environment variable, else a default; the help lists all
 * three. Secrets are read from the environment only, never from flags, which any user of the machine can read in the
 * process list. {@link #parse} turns arguments and an environment into {@link Settings}, or fails with one line that
 * says what is wrong.
 */
@Command(name = "sipmap-server", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = ServerCommand.Version.class, usageHelpAutoWidth = true,
        description = "Serves Twilio's Voice v1 IpRecords and SourceIpMappings API, and the sipmap resolve extension.",
        subcommands = {ServerCommand.HashSecret.class, ServerCommand.ImportCommand.class, ApplyCommand.class,
            ServerCommand.CredentialsCommand.class, KamailioBridgeCommand.class},
        footerHeading = "%nCredentials, from the environment (never from flags) or --credentials-file:%n",
        footer = {
            "  TWILIO_ACCOUNT_SID   the account the server accepts (AC...)",
            "  TWILIO_AUTH_TOKEN    its auth token; with neither set, a pair is made up",
            "                       and printed at the first start, kept with the",
            "                       embedded store's data (see credentials)",
            "  TWILIO_API_KEY       optionally, an API key of that account (SK...)",
            "  TWILIO_API_SECRET    that key's secret",
            "",
            "Exit status: 143 after a SIGTERM, 130 after Ctrl-C (128 + the signal, as",
            "the JVM reports a stop by signal; the stop is graceful), 1 when the",
            "server cannot start, 2 on a bad setting."})
final class ServerCommand {

    /** The environment variable behind each flag. */
    static final Map<String, String> ENVIRONMENT = new LinkedHashMap<>();

    static {
        ENVIRONMENT.put("--host", "SIPMAP_HOST");
        ENVIRONMENT.put("--port", "SIPMAP_PORT");
        ENVIRONMENT.put("--public-base-url", "SIPMAP_PUBLIC_BASE_URL");
        ENVIRONMENT.put("--rate-limit", "SIPMAP_RATE_LIMIT");
        ENVIRONMENT.put("--rate-burst", "SIPMAP_RATE_BURST");
        ENVIRONMENT.put("--idle-timeout", "SIPMAP_IDLE_TIMEOUT");
        ENVIRONMENT.put("--request-timeout", "SIPMAP_REQUEST_TIMEOUT");
        ENVIRONMENT.put("--shutdown-timeout", "SIPMAP_SHUTDOWN_TIMEOUT");
        ENVIRONMENT.put("--body-limit", "SIPMAP_BODY_LIMIT");
        ENVIRONMENT.put("--management-host", "SIPMAP_MANAGEMENT_HOST");
        ENVIRONMENT.put("--management-port", "SIPMAP_MANAGEMENT_PORT");
        ENVIRONMENT.put("--metrics", "SIPMAP_METRICS");
        ENVIRONMENT.put("--request-log", "SIPMAP_REQUEST_LOG");
        ENVIRONMENT.put("--credentials-file", "SIPMAP_CREDENTIALS_FILE");
        ENVIRONMENT.put("--store", "SIPMAP_STORE");
        ENVIRONMENT.put("--data-dir", "SIPMAP_DATA_DIR");
        ENVIRONMENT.put("--database-url", "SIPMAP_DATABASE_URL");
        ENVIRONMENT.put("--cors-origin", "SIPMAP_CORS_ORIGINS");
        ENVIRONMENT.put("--tls-cert", "SIPMAP_TLS_CERT");
        ENVIRONMENT.put("--tls-key", "SIPMAP_TLS_KEY");
        ENVIRONMENT.put("--log-format", "SIPMAP_LOG_FORMAT");
        ENVIRONMENT.put("--address-families", "SIPMAP_ADDRESS_FAMILIES");
        ENVIRONMENT.putAll(KamailioBridgeCommand.ENVIRONMENT); // for sipmap-server kamailio-bridge
    }

    @Spec
    private CommandSpec spec;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = SipmapServerOptions.DEFAULT_HOST,
            description = "Address to listen on.%n  env SIPMAP_HOST, default ${DEFAULT-VALUE}")
    private String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + SipmapServerOptions.DEFAULT_PORT,
            description = "Port to listen on, 0 for any free one.%n  env SIPMAP_PORT, default ${DEFAULT-VALUE}")
    private int port;

    @Option(names = "--store", scope = CommandLine.ScopeType.INHERIT, paramLabel = "KIND", defaultValue = "embedded",
            description = "Where records are kept: embedded (a PostgreSQL started with the server, its data in"
                    + " --data-dir), postgres (an existing one: --database-url or PG* variables), or memory (gone"
                    + " when the server stops).%n  env SIPMAP_STORE, default ${DEFAULT-VALUE}")
    private String store;

    @Option(names = "--data-dir", scope = CommandLine.ScopeType.INHERIT, paramLabel = "DIR", defaultValue = Settings.DEFAULT_DATA_DIR,
            description = "The embedded PostgreSQL's data.%n  env SIPMAP_DATA_DIR, default ./${DEFAULT-VALUE}")
    private Path dataDir;

    @Option(names = "--database-url", scope = CommandLine.ScopeType.INHERIT, paramLabel = "URL",
            description = "postgresql://user:password@host:port/database, for --store postgres; better given in the"
                    + " environment, where the process list does not show the password.%n"
                    + "  env SIPMAP_DATABASE_URL, default: from PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD")
    private String databaseUrl;

    @Option(names = "--public-base-url", paramLabel = "URL",
            description = "The scheme, host and path under which clients reach /v1, for the urls in answers.%n"
                    + "  env SIPMAP_PUBLIC_BASE_URL, default: the scheme and Host of each request")
    private String publicBaseUrl;

    @Option(names = "--rate-limit", paramLabel = "N", defaultValue = "0",
            description = "Requests per second per account on average; 429 beyond. 0 is no limit.%n"
                    + "  env SIPMAP_RATE_LIMIT, default ${DEFAULT-VALUE}")
    private int rateLimit;

    @Option(names = "--rate-burst", paramLabel = "N",
            description = "How many requests an account may make at once under the rate limit.%n"
                    + "  env SIPMAP_RATE_BURST, default: the rate limit")
    private Integer rateBurst;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS",
            defaultValue = "" + 30, // SipmapServerOptions.DEFAULT_IDLE_TIMEOUT, checked by a test
            description = "Closes a connection on which nothing moves for this long.%n"
                    + "  env SIPMAP_IDLE_TIMEOUT, default ${DEFAULT-VALUE}")
    private int idleTimeoutSeconds;

    @Option(names = "--request-timeout", paramLabel = "SECONDS",
            defaultValue = "" + 30, // SipmapServerOptions.DEFAULT_REQUEST_TIMEOUT, checked by a test
            description = "Answers 408 and closes the connection of a client that takes longer to send a request.%n"
                    + "  env SIPMAP_REQUEST_TIMEOUT, default ${DEFAULT-VALUE}")
    private int requestTimeoutSeconds;

    @Option(names = "--shutdown-timeout", paramLabel = "SECONDS",
            defaultValue = "" + 10, // SipmapServerOptions.DEFAULT_SHUTDOWN_TIMEOUT, checked by a test
            description = "How long requests in flight may take to finish on SIGTERM or Ctrl-C.%n"
                    + "  env SIPMAP_SHUTDOWN_TIMEOUT, default ${DEFAULT-VALUE}")
    private int shutdownTimeoutSeconds;

    @Option(names = "--body-limit", paramLabel = "BYTES",
            defaultValue = "" + SipmapServerOptions.DEFAULT_BODY_LIMIT,
            description = "The largest request body accepted; 413 beyond.%n"
                    + "  env SIPMAP_BODY_LIMIT, default ${DEFAULT-VALUE}")
    private long bodyLimit;

    @Option(names = "--management-host", paramLabel = "ADDRESS", defaultValue = Settings.Management.DEFAULT_HOST,
            description = "Address of /health/live, /health/ready and /metrics, which need no credentials.%n"
                    + "  env SIPMAP_MANAGEMENT_HOST, default ${DEFAULT-VALUE}")
    private String managementHost;

    @Option(names = "--management-port", paramLabel = "PORT", defaultValue = "" + Settings.Management.DEFAULT_PORT,
            description = "Their port, never the API's; 0 for any free one, -1 for none.%n"
                    + "  env SIPMAP_MANAGEMENT_PORT, default ${DEFAULT-VALUE}")
    private int managementPort;

    @Option(names = "--metrics", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Collect metrics and serve them at /metrics on the management port (--no-metrics: off).%n"
                    + "  env SIPMAP_METRICS, default ${DEFAULT-VALUE}")
    private boolean metrics;

    @Option(names = "--request-log", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Log each request in one line: method, path, status, time (--no-request-log: off).%n"
                    + "  env SIPMAP_REQUEST_LOG, default ${DEFAULT-VALUE}")
    private boolean requestLog;

    @Option(names = "--credentials-file", paramLabel = "FILE",
            description = "Accounts and API keys with the SHA-256 digests of their secrets, one a line, re-read when"
                    + " it changes (see hash-secret); besides those of the environment.%n"
                    + "  env SIPMAP_CREDENTIALS_FILE, default: none")
    private Path credentialsFile;

    @Option(names = "--cors-origin", paramLabel = "ORIGIN", split = ",",
            description = "A web origin (https://console.example.com) whose pages may call with the browser's stored"
                    + " credentials; repeat for more. Every other origin gets Access-Control-Allow-Origin: *, with"
                    + " which browsers send none.%n  env SIPMAP_CORS_ORIGINS (comma-separated), default: none")
    private List<String> corsOrigins;

    @Option(names = "--tls-cert", paramLabel = "FILE",
            description = "Serve HTTPS with this certificate chain (PEM); needs --tls-key.%n"
                    + "  env SIPMAP_TLS_CERT, default: none, plain HTTP")
    private Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "The certificate's private key (PEM, PKCS#8 or PKCS#1).%n"
                    + "  env SIPMAP_TLS_KEY, default: none")
    private Path tlsKey;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "text: one line per record; json: one JSON object per line (time, level, logger, message,"
                    + " and a request's fields).%n  env SIPMAP_LOG_FORMAT, default ${DEFAULT-VALUE}")
    private String logFormat;

    @Option(names = "--address-families", paramLabel = "FAMILIES", defaultValue = "ipv4,ipv6",
            description = "ipv4,ipv6: IP records, resolve and batches take IPv6 addresses too (sipmap's extension);"
                    + " ipv4: IPv4 only, an IPv6 address refused as Twilio refuses it (400, code 20001, the message of"
                    + " any invalid address).%n  env SIPMAP_ADDRESS_FAMILIES, default ${DEFAULT-VALUE}")
    private String addressFamilies;

    /**
     * The settings for these arguments and this environment.
     *
     * @throws ParameterException with a one-line message when a setting is wrong
     */
    static Settings parse(String[] args, Map<String, String> env) {
        CommandLine line = commandLine(env);
        line.parseArgs(args);
        return line.<ServerCommand>getCommand().settings(env);
    }

    /** The command line over this environment: flags, then {@code env}, then the defaults. */
    static CommandLine commandLine(Map<String, String> env) {
        CommandLine line = new CommandLine(new ServerCommand());
        // The store's options are inherited by every subcommand for import; the bridge has no store.
        for (String storeless : List.of("kamailio-bridge", "apply")) {
            CommandSpec bridge = line.getSubcommands().get(storeless).getCommandSpec();
            for (OptionSpec inherited : List.copyOf(bridge.options())) {
                if (inherited.inherited()) {
                    bridge.remove(inherited);
                }
            }
        }
        line.setDefaultValueProvider(KamailioBridgeCommand.environment(ENVIRONMENT, env));
        return line;
    }

    /**
     * Runs the command line: prints the help or the version, or runs {@code hash-secret}, and returns 0; or prints
     * what is wrong in one line and returns 2; or returns null with the settings handed to {@code run}.
     */
    static Integer execute(String[] args, Map<String, String> env, BufferedReader in, PrintWriter out,
                           PrintWriter err, Consumer<Settings> run) {
        CommandLine line = commandLine(env);
        line.setOut(out).setErr(err);
        try {
            var parsed = line.parseArgs(args);
            if (CommandLine.printHelpIfRequested(parsed)) {
                return 0;
            }
            if (parsed.subcommand() != null) {
                Object subcommand = parsed.subcommand().commandSpec().userObject();
                if (subcommand instanceof KamailioBridgeCommand bridge) {
                    if (CommandLine.printHelpIfRequested(parsed.subcommand())) {
                        return 0;
                    }
                    return bridge.run(env, out, err);
                }
                if (subcommand instanceof ApplyCommand apply) {
                    return CommandLine.printHelpIfRequested(parsed.subcommand()) ? 0 : apply.run(env, out, err);
                }
                if (subcommand instanceof ImportCommand importing) {
                    if (CommandLine.printHelpIfRequested(parsed.subcommand())) {
                        return 0;
                    }
                    return importing.run(line.<ServerCommand>getCommand().settings(env), out, err);
                }
                if (subcommand instanceof CredentialsCommand credentials) {
                    if (CommandLine.printHelpIfRequested(parsed.subcommand())) {
                        return 0;
                    }
                    return credentials.run(line.<ServerCommand>getCommand().settings(env), out, err);
                }
                if (CommandLine.printHelpIfRequested(parsed.subcommand())) {
                    return 0;
                }
                return ((HashSecret) subcommand).run(in, out);
            }
            Settings settings = line.<ServerCommand>getCommand().settings(env);
            run.accept(settings);
            return null;
        } catch (ParameterException e) {
            err.println("sipmap: " + e.getMessage() + " (see --help)");
            err.flush();
            return 2;
        }
    }

    private Settings settings(Map<String, String> env) {
        check(port >= 0 && port <= 65535, "--port must be 0..65535, got " + port);
        check(rateLimit >= 0, "--rate-limit must be 0 or more, got " + rateLimit);
        check(rateBurst == null || rateLimit > 0, "--rate-burst needs a rate limit (--rate-limit, SIPMAP_RATE_LIMIT)");
        check(rateBurst == null || rateBurst >= 1, "--rate-burst must be 1 or more, got " + rateBurst);
        check(idleTimeoutSeconds >= 1, "--idle-timeout must be 1 second or more, got " + idleTimeoutSeconds);
        check(requestTimeoutSeconds >= 1, "--request-timeout must be 1 second or more, got "
                + requestTimeoutSeconds);
        check(shutdownTimeoutSeconds >= 0, "--shutdown-timeout must be 0 or more, got " + shutdownTimeoutSeconds);
        check(bodyLimit >= 1024, "--body-limit must be 1024 bytes or more, got " + bodyLimit);
        check(managementPort >= -1 && managementPort <= 65535,
                "--management-port must be -1 (none) or 0..65535, got " + managementPort);
        check(managementPort <= 0 || managementPort != port,
                "--management-port must differ from --port (" + port + "): management is never on the API port");

        String sid = blankToNull(env.get("TWILIO_ACCOUNT_SID"));
        String token = blankToNull(env.get("TWILIO_AUTH_TOKEN"));
        String key = blankToNull(env.get("TWILIO_API_KEY"));
        String secret = blankToNull(env.get("TWILIO_API_SECRET"));
        check((sid == null) == (token == null), "set both TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, or neither");
        check((key == null) == (secret == null) && (key == null || sid != null),
                "TWILIO_API_KEY needs TWILIO_API_SECRET, and the account (TWILIO_ACCOUNT_SID) it belongs to");
        check(credentialsFile == null || Files.isReadable(credentialsFile),
                "--credentials-file: cannot read " + credentialsFile);
        if (credentialsFile != null) {
            parsed(() -> {
                try {
                    return CredentialsFile.read(credentialsFile);
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read " + credentialsFile + ": " + e.getMessage(), e);
                }
            }, "--credentials-file");
        }
        Storage.Kind kind = parsed(() -> Storage.Kind.parse(store), "--store");
        Optional<PgConnectOptions> database = parsed(() -> Storage.database(blankToNull(databaseUrl), env),
                "--database-url");
        check(kind != Storage.Kind.POSTGRES || database.isPresent(),
                "--store postgres needs --database-url (SIPMAP_DATABASE_URL) or PGHOST and the other PG* variables");
        check((tlsCert == null) == (tlsKey == null), "--tls-cert and --tls-key go together");
        check(tlsCert == null || Files.isReadable(tlsCert), "--tls-cert: cannot read " + tlsCert);
        check(tlsKey == null || Files.isReadable(tlsKey), "--tls-key: cannot read " + tlsKey);
        Settings.LogFormat format = parsed(() -> Settings.LogFormat.parse(logFormat), "--log-format");
        SipmapServerOptions.AddressFamilies families = parsed(() -> Settings.addressFamilies(addressFamilies),
                "--address-families");
        List<String> origins = corsOrigins == null ? List.of()
                : corsOrigins.stream().map(String::trim).filter(origin -> !origin.isEmpty()).toList();
        SipmapServerOptions cors = parsed(() -> Settings.http(Duration.ofSeconds(idleTimeoutSeconds))
                .withCorsOrigins(origins), "--cors-origin");
        SipmapServerOptions http = parsed(() -> cors.withPublicBaseUrl(blankToNull(publicBaseUrl)),
                "--public-base-url").withHost(host).withPort(port).withRequestLog(requestLog)
                .withRateLimit(rateLimit, rateBurst == null ? rateLimit : rateBurst, Clock.systemUTC())
                .withRequestTimeout(Duration.ofSeconds(requestTimeoutSeconds))
                .withShutdownTimeout(Duration.ofSeconds(shutdownTimeoutSeconds)).withBodyLimit(bodyLimit)
                .withAddressFamilies(families)
                .withTls(tlsCert == null ? null : new SipmapServerOptions.Tls(tlsCert.toString(), tlsKey.toString()));
        boolean generated = sid == null && credentialsFile == null;
        SecureRandom random = new SecureRandom();
        AccountSid account = generated ? AccountSid.ofHex(randomHex(random))
                : sid == null ? null : parsed(() -> new AccountSid(sid), "TWILIO_ACCOUNT_SID");
        Optional<ApiKeySid> apiKey = key == null ? Optional.empty()
                : Optional.of(parsed(() -> new ApiKeySid(key), "TWILIO_API_KEY"));
        var accounts = new Settings.Accounts(account, generated ? randomHex(random) : token, apiKey,
                Optional.ofNullable(secret), generated, Optional.ofNullable(credentialsFile), Optional.empty());
        return new Settings(http, accounts, new Settings.Management(managementHost, managementPort, metrics),
                new Settings.Store(kind, dataDir, kind == Storage.Kind.POSTGRES ? database : Optional.empty()), format);
    }

    private void check(boolean condition, String message) {
        if (!condition) {
            throw new ParameterException(spec.commandLine(), message);
        }
    }

    private <T> T parsed(Supplier<T> parser, String what) {
        try {
            return parser.get();
        } catch (RuntimeException e) {
            throw new ParameterException(spec.commandLine(), what + ": " + e.getMessage());
        }
    }

    private static String randomHex(SecureRandom random) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** {@code hash-secret}: the line for a credentials file's digest, of a secret read from standard input. */
    @Command(name = "hash-secret", mixinStandardHelpOptions = true,
            description = "Reads a secret (an auth token or an API key's secret) from standard input and prints its"
                    + " digest as --credentials-file takes it: sha256: and 64 hexadecimal digits.")
    static final class HashSecret {

        Integer run(BufferedReader in, PrintWriter out) {
            String secret;
            try {
                secret = in.readLine();
            } catch (IOException e) {
                throw new ParameterException(new CommandLine(this), "cannot read the secret: " + e.getMessage());
            }
            if (secret == null || secret.isEmpty()) {
                throw new ParameterException(new CommandLine(this), "hash-secret: no secret on standard input");
            }
            out.println(CredentialsFile.digestOf(secret));
            out.flush();
            return 0;
        }
    }

    /**
     * {@code import}: copies the account's IP records and mappings from Twilio (or another sipmap server) into this
     * server's store, keeping their SIDs and dates ({@link Import}). The store is the server's: {@code --store},
     * {@code --data-dir}, {@code --database-url}, before or after {@code import}; the account's credentials are the
     * server's, from the environment.
     */
    @Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Copies the account's IP records and source IP mappings from Twilio (or another sipmap"
                    + " server) into this server's store, keeping their SIDs and dates. A second run changes nothing;"
                    + " what cannot be reconciled is reported and left alone. Exit status 0 when all is copied, 1"
                    + " when there were conflicts or the import failed, 2 on a bad setting.")
    static final class ImportCommand {

        @Option(names = "--from", paramLabel = "URL", defaultValue = "https://voice.twilio.com",
                description = "The API to copy from, with the account's credentials (TWILIO_ACCOUNT_SID and"
                        + " TWILIO_AUTH_TOKEN, or TWILIO_API_KEY and TWILIO_API_SECRET).%n  default ${DEFAULT-VALUE}")
        private String from;

        @Option(names = "--dry-run", description = "Says what would be done, writes nothing.")
        private boolean dryRun;

        @Spec
        private CommandSpec spec;

        Integer run(Settings settings, PrintWriter out, PrintWriter err) {
            if (settings.accounts().generated() || settings.accounts().account() == null) {
                throw new ParameterException(spec.commandLine(), "import needs the account to copy:"
                        + " TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN (or TWILIO_API_KEY and TWILIO_API_SECRET)");
            }
            if (settings.store().kind() == Storage.Kind.MEMORY) {
                throw new ParameterException(spec.commandLine(), "import into --store memory would keep nothing:"
                        + " choose embedded or postgres");
            }
            return Importing.run(settings, from, dryRun, out, err);
        }
    }

    /**
     * {@code credentials}: the account and token made up at the first start over an embedded store, as kept in its
     * data directory ({@link KeptCredentials}); later starts do not print the token.
     */
    @Command(name = "credentials", mixinStandardHelpOptions = true,
            description = "Prints the account and auth token that the server made up at its first start without"
                    + " credentials over --store embedded, kept in --data-dir, as TWILIO_ACCOUNT_SID=... and"
                    + " TWILIO_AUTH_TOKEN=... lines. Exit status 1 when none are kept there.")
    static final class CredentialsCommand {

        @Spec
        private CommandSpec spec;

        Integer run(Settings settings, PrintWriter out, PrintWriter err) {
            if (settings.store().kind() != Storage.Kind.EMBEDDED) {
                throw new ParameterException(spec.commandLine(), "only --store embedded keeps made-up credentials;"
                        + " over " + settings.store().kind().label() + " they are made up at each start");
            }
            Path dataDir = settings.store().dataDir().toAbsolutePath().normalize();
            if (!Files.exists(dataDir.resolve(KeptCredentials.FILE_NAME))) {
                err.println("sipmap: no credentials kept in " + dataDir + ": the server keeps there those it makes up"
                        + " at its first start without TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN");
                err.flush();
                return 1;
            }
            try {
                KeptCredentials.lines(dataDir).forEach(out::println);
            } catch (IOException | IllegalStateException e) {
                err.println(e instanceof IOException ? "sipmap: cannot read " + dataDir + ": " + e : e.getMessage());
                err.flush();
                return 1;
            }
            out.flush();
            return 0;
        }
    }

    /** The version of the jar, from its manifest; "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = ServerCommand.class.getPackage().getImplementationVersion();
            return new String[] {"sipmap-server " + (version == null ? "development" : version)};
        }
    }
}

package io.sipmap.kamailio;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import io.sipmap.domain.SipmapException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kamailio-bridge}: keeps a Kamailio's {@code permissions} address file current ({@link KamailioBridge}) until
 * SIGTERM or Ctrl-C. Its own program ({@link #main}) and the server's {@code sipmap-server kamailio-bridge} subcommand.
 */
@Command(name = "kamailio-bridge", mixinStandardHelpOptions = true, sortOptions = false, usageHelpAutoWidth = true,
        versionProvider = KamailioBridgeCommand.Version.class,
        description = "Keeps a Kamailio permissions address file current with the account's source IP mappings:"
                + " fetches the Kamailio export of a sipmap server, writes the file atomically, runs kamcmd"
                + " permissions.addressReload, then follows the server's change feed and does it again on every"
                + " change, at most once per reload interval. Survives the server and Kamailio restarting. Runs"
                + " until SIGTERM or Ctrl-C; exit status 1 when the server refuses the credentials, 2 on a bad"
                + " setting.",
        footerHeading = "%nCredentials, from the environment only:%n",
        footer = {
            "  TWILIO_ACCOUNT_SID, the account, with its TWILIO_AUTH_TOKEN, or with",
            "  TWILIO_API_KEY and TWILIO_API_SECRET of one of its API keys"})
public final class KamailioBridgeCommand {

    /** The environment variable behind each flag. */
    public static final Map<String, String> ENVIRONMENT = Map.of("--url", "SIPMAP_URL",
            "--address-file", "SIPMAP_KAMAILIO_ADDRESS_FILE", "--group", "SIPMAP_KAMAILIO_GROUP",
            "--ctl", "SIPMAP_KAMAILIO_CTL", "--kamcmd", "SIPMAP_KAMCMD",
            "--reload-interval", "SIPMAP_KAMAILIO_RELOAD_INTERVAL", "--max-subnets", "SIPMAP_KAMAILIO_MAX_SUBNETS",
            "--max-backoff", "SIPMAP_KAMAILIO_MAX_BACKOFF");

    @Option(names = "--url", paramLabel = "URL", defaultValue = "http://127.0.0.1:8080",
            description = "The sipmap server, as clients reach /v1 on it.%n  env SIPMAP_URL, default"
                    + " ${DEFAULT-VALUE}")
    private String url;

    @Option(names = "--address-file", paramLabel = "FILE",
            description = "The file Kamailio's modparam(\"permissions\", \"address_file\", ...) names; written"
                    + " by renaming a temporary file in its directory.%n  env SIPMAP_KAMAILIO_ADDRESS_FILE,"
                    + " required")
    private Path addressFile;

    @Option(names = "--group", paramLabel = "N", defaultValue = "1",
            description = "The group of every line, as allow_source_address(\"N\") takes it.%n"
                    + "  env SIPMAP_KAMAILIO_GROUP, default ${DEFAULT-VALUE}")
    private int group;

    @Option(names = "--ctl", paramLabel = "ADDRESS", defaultValue = "unix:/run/kamailio/kamailio_ctl",
            description = "Kamailio's control socket, as modparam(\"ctl\", \"binrpc\", ...) names it and"
                    + " kamcmd -s takes it.%n  env SIPMAP_KAMAILIO_CTL, default ${DEFAULT-VALUE}")
    private String ctl;

    @Option(names = "--kamcmd", paramLabel = "PROGRAM", defaultValue = "kamcmd",
            description = "The kamcmd program.%n  env SIPMAP_KAMCMD, default ${DEFAULT-VALUE}")
    private String kamcmd;

    @Option(names = "--reload-interval", paramLabel = "SECONDS", defaultValue = "5",
            description = "Reloads at least this far apart: Kamailio refuses one sooner than its reload_delta."
                    + "%n  env SIPMAP_KAMAILIO_RELOAD_INTERVAL, default ${DEFAULT-VALUE}")
    private int reloadInterval;

    @Option(names = "--max-subnets", paramLabel = "N", defaultValue = "512",
            description = "Kamailio's max_subnets: warns when the account has more networks, which Kamailio"
                    + " would drop.%n  env SIPMAP_KAMAILIO_MAX_SUBNETS, default ${DEFAULT-VALUE}")
    private int maxSubnets;

    @Option(names = "--max-backoff", paramLabel = "SECONDS", defaultValue = "30",
            description = "The longest wait between reconnections to the server or reload retries.%n"
                    + "  env SIPMAP_KAMAILIO_MAX_BACKOFF, default ${DEFAULT-VALUE}")
    private int maxBackoff;

    @Spec
    private CommandSpec spec;

    /** {@code java -jar sipmap-kamailio-bridge.jar [flags]}: exits at once on a bad setting or a refusal. */
    public static void main(String[] args) {
        logOneLinePerRecord();
        Integer status = execute(args, System.getenv(), writer(System.out), writer(System.err));
        if (status != null) {
            System.exit(status);
        }
    }

    /** Runs the command line: 0 after help or version, 2 on a bad setting, 1 if the server refuses, null while up. */
    static Integer execute(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        CommandLine line = new CommandLine(new KamailioBridgeCommand()).setOut(out).setErr(err)
                .setDefaultValueProvider(environment(ENVIRONMENT, env));
        try {
            if (CommandLine.printHelpIfRequested(line.parseArgs(args))) {
                return 0;
            }
            return line.<KamailioBridgeCommand>getCommand().run(env, out, err);
        } catch (ParameterException e) {
            err.println("sipmap: " + e.getMessage() + " (see --help)");
            err.flush();
            return 2;
        }
    }

    KamailioBridge.Options options(Map<String, String> env) {
        String sid = blankToNull(env.get("TWILIO_ACCOUNT_SID"));
        String token = blankToNull(env.get("TWILIO_AUTH_TOKEN"));
        String key = blankToNull(env.get("TWILIO_API_KEY"));
        String secret = blankToNull(env.get("TWILIO_API_SECRET"));
        if (sid == null || (key == null) != (secret == null) || (key == null ? token : secret) == null) {
            throw new ParameterException(spec.commandLine(), "kamailio-bridge needs the account's credentials"
                    + " in the environment: TWILIO_ACCOUNT_SID with TWILIO_AUTH_TOKEN, or with TWILIO_API_KEY and"
                    + " TWILIO_API_SECRET");
        }
        AccountSid account;
        ApiKeySid apiKey;
        try {
            account = AccountSid.parse(sid, "TWILIO_ACCOUNT_SID");
            apiKey = key == null ? null : ApiKeySid.parse(key, "TWILIO_API_KEY");
        } catch (SipmapException.InvalidParameter e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        if (addressFile == null) {
            throw new ParameterException(spec.commandLine(), "kamailio-bridge needs --address-file"
                    + " (SIPMAP_KAMAILIO_ADDRESS_FILE): the file Kamailio's address_file names");
        }
        Path dir = addressFile.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir) || !Files.isWritable(dir)) {
            throw new ParameterException(spec.commandLine(), "--address-file: cannot write in the directory "
                    + dir);
        }
        try {
            return new KamailioBridge.Options(URI.create(url), account, apiKey, key == null ? token : secret,
                    addressFile, group, KamailioBridge.Options.kamcmd(kamcmd, ctl),
                    Duration.ofSeconds(reloadInterval), Duration.ofSeconds(maxBackoff), maxSubnets);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    /** Starts the bridge and waits for its first write: null while it runs on, 1 when the server refused. */
    public Integer run(Map<String, String> env, PrintWriter out, PrintWriter err) {
        KamailioBridge.Options options = options(env);
        KamailioBridge.describe(options).forEach(out::println);
        out.flush();
        KamailioBridge bridge = KamailioBridge.start(null, options);
        Thread hook = new Thread(() -> {
            bridge.close();
            out.println("kamailio-bridge: stopped");
            out.flush();
        }, "kamailio-bridge-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            bridge.firstSync().toCompletionStage().toCompletableFuture().get();
            return null;
        } catch (ExecutionException e) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException stopping) {
                // the JVM is stopping (SIGTERM before the first write): not a failure, and the hook closes it
                return null;
            }
            err.println("sipmap: kamailio-bridge: " + e.getCause().getMessage());
            err.flush();
            bridge.close();
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /** Flags' defaults from {@code env}, by the variable {@code variables} names; the server's command line's too. */
    public static IDefaultValueProvider environment(Map<String, String> variables, Map<String, String> env) {
        return argument -> {
            String variable = argument instanceof OptionSpec option ? variables.get(option.longestName()) : null;
            return variable == null ? null : blankToNull(env.get(variable));
        };
    }

    /** A variable set blank counts as unset. */
    public static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    private static PrintWriter writer(PrintStream stream) {
        return new PrintWriter(new OutputStreamWriter(stream, Charset.defaultCharset()), true);
    }

    /** The log as the server writes it in text: time, level, message, one line a record (JUL's default takes two). */
    private static void logOneLinePerRecord() {
        Logger root = Logger.getLogger("");
        Arrays.stream(root.getHandlers()).forEach(root::removeHandler);
        root.addHandler(new StreamHandler(System.out, new SimpleFormatter() {
            @Override
            public String format(LogRecord record) {
                return record.getInstant().truncatedTo(ChronoUnit.MILLIS) + " " + record.getLevel() + " "
                        + formatMessage(record) + (record.getThrown() == null ? "" : " (" + record.getThrown() + ")")
                        + System.lineSeparator();
            }
        }) {
            @Override
            public synchronized void publish(LogRecord record) {
                super.publish(record);
                flush(); // a line as it happens, not when a buffer fills
            }

            @Override
            public synchronized void close() {
                // LogManager's shutdown hook closes every handler, racing ours: closing System.out there would
                // swallow the "stopped" line the bridge prints once it has stopped
                flush();
            }
        });
    }

    /** The version of the jar, from its manifest; "development" when run from classes. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = KamailioBridgeCommand.class.getPackage().getImplementationVersion();
            return new String[] {"sipmap-kamailio-bridge " + (version == null ? "development" : version)};
        }
    }
}

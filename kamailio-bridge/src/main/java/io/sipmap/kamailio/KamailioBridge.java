package io.sipmap.kamailio;

import io.sipmap.adapter.http.client.ChangeFollower;
import io.sipmap.adapter.http.client.FollowerOptions;
import io.sipmap.adapter.http.client.KamailioExport;
import io.sipmap.adapter.http.client.RetryPolicy;
import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import io.sipmap.domain.Change;
import io.sipmap.domain.ChangeId;
import io.sipmap.domain.SipmapException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps a Kamailio's {@code permissions} address file current with a sipmap account. A {@link ChangeFollower} follows
 * the account's change feed from the Kamailio export ({@link SipmapClient#kamailioExport}: the file as the server
 * serves it, with its {@code ETag} and the id of the last change it reflects); each export it loads (at start, and
 * again after a reset or a gap) is written atomically ({@link AddressFile}) and Kamailio asked to reload it
 * ({@code kamcmd -s <ctl> permissions.addressReload}); each change fetches the export again (a {@code 304} when the
 * file is current) and does the same.
 *
 * <p>Bursts are coalesced: a change after a quiet spell is fetched at once, and reloads are at least
 * {@code reloadInterval} apart (Kamailio refuses a reload sooner than its {@code reload_delta}, 5 s by default), so a
 * burst costs one reload at once and one more at the end of the interval, for the final state, never lost: a change
 * newer than the export written always leads to another fetch. Reconnecting, resuming and resetting are the
 * follower's; a write or a reload that fails (Kamailio restarting) is retried with the follower's back-off, and the
 * file is whole at every moment, so a Kamailio starting reads the current state.
 *
 * <p>All its state is touched on the follower's Vert.x context only. The secret stays in the client: no log line, no
 * message, no {@code toString} holds it.
 */
public final class KamailioBridge implements AutoCloseable {

    private static final Logger LOG = System.getLogger(KamailioBridge.class.getName());

    /** How long a burst of changes may take to arrive before the export is fetched. */
    static final Duration SETTLE = Duration.ofMillis(50);
    /** The first wait before reconnecting or retrying after a failure, doubled (jittered) for each in a row. */
    static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    /** How long kamcmd may take. */
    static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(10);

    /**
     * @param server         the sipmap server's base URL (with an optional path); {@code /sipmap/v1} is under it
     * @param account        the account to follow, whose credentials these are
     * @param apiKey         an API key of the account, or null when {@code secret} is the account's auth token
     * @param secret         the auth token or the API key's secret; never logged, never in {@link #toString()}
     * @param addressFile    the file Kamailio's {@code address_file} names
     * @param group          the group of every line, {@code allow_source_address("<group>")}
     * @param reloadCommand  the command that makes Kamailio reload the file, {@code kamcmd -s <ctl>
     *                       permissions.addressReload}; success is exit status 0 without an {@code error} answer
     * @param reloadInterval reloads are at least this far apart
     * @param maxBackoff     the longest wait between reconnections or retries
     * @param maxSubnets     Kamailio's {@code max_subnets}: more are warned about, as Kamailio silently drops them
     */
    public record Options(URI server, AccountSid account, ApiKeySid apiKey, String secret, Path addressFile, int group,
                          List<String> reloadCommand, Duration reloadInterval, Duration maxBackoff, int maxSubnets) {

        public Options {
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(secret, "secret");
            Objects.requireNonNull(addressFile, "addressFile");
            reloadCommand = List.copyOf(reloadCommand);
            if (server.getScheme() == null || !server.getScheme().matches("https?") || server.getHost() == null
                    || server.getRawQuery() != null || server.getRawFragment() != null) {
                throw new IllegalArgumentException("--url: the server URL must be http:// or https:// with a host,"
                        + " and no query, got " + server);
            }
            if (server.getUserInfo() != null) {
                throw new IllegalArgumentException("--url: the server URL must not carry credentials: they come from"
                        + " the environment");
            }
            if (group < 1 || maxSubnets < 1 || maxBackoff.compareTo(Duration.ofSeconds(1)) < 0
                    || reloadInterval.isNegative() || reloadCommand.isEmpty()) {
                throw new IllegalArgumentException("--group, --max-subnets and --max-backoff must be 1 or more,"
                        + " --reload-interval 0 or more");
            }
        }

        /** The reload command of kamcmd over a Kamailio control socket ({@code unix:/run/kamailio/kamailio_ctl}). */
        public static List<String> kamcmd(String kamcmd, String ctl) {
            return List.of(kamcmd, "-s", ctl, "permissions.addressReload");
        }

        /** Who the bridge authenticates as: the API key, or the account. */
        String user() {
            return apiKey != null ? apiKey.value() : account.value();
        }

        @Override
        public String toString() {
            return "Options[server=" + server + ", user=" + user() + ", secret=(hidden), addressFile=" + addressFile
                    + ", group=" + group + ", reloadCommand=" + reloadCommand + ", reloadInterval=" + reloadInterval
                    + ", maxBackoff=" + maxBackoff + ", maxSubnets=" + maxSubnets + "]";
        }
    }

    /** What the bridge has done, for tests and the log. */
    public record Status(long writtenEventId, int entries, long reloads, boolean reloadPending, boolean following) {
    }

    private final Vertx vertx;
    private final boolean ownVertx;
    private final Context context;
    private final Options options;
    private final SipmapClient client;
    private final Promise<Void> firstSync = Promise.promise();
    private final AtomicBoolean closing = new AtomicBoolean();

    // state, on `context` only
    private ChangeFollower<KamailioExport> follower;
    private boolean closed;
    /** An export the follower loaded and no sync has written yet; dropped when a sync fetches meanwhile. */
    private KamailioExport loaded;
    private String etag;
    private String written;        // the file's content as last written, null before the first write
    private int entries;
    private ChangeId writtenId;    // the id of the last change the file reflects, null before the first write
    private boolean reloadPending;
    private long reloads;
    private long lastReloadNanos;
    private boolean reloadedOnce;
    private boolean syncing;
    private boolean wantSync;
    private long syncTimer = -1;
    private int syncFailures;
    private Duration retryDelay = Duration.ZERO;

    private KamailioBridge(Vertx vertx, boolean ownVertx, Options options) {
        this.vertx = vertx;
        this.ownVertx = ownVertx;
        this.options = options;
        this.context = vertx.getOrCreateContext();
        SipmapClient.Builder builder = SipmapClient.builder().baseUrl(options.server().toString()).vertx(vertx)
                .retryPolicy(RetryPolicy.none()); // the follower and the syncs retry, with one back-off
        this.client = (options.apiKey() != null
                ? builder.apiKeyCredentials(options.apiKey(), options.secret(), options.account())
                : builder.accountCredentials(options.account(), options.secret())).build();
    }

    /** Starts a bridge on {@code vertx} (null: a Vert.x of its own, closed with the bridge). */
    public static KamailioBridge start(Vertx vertx, Options options) {
        KamailioBridge bridge = new KamailioBridge(vertx == null ? Vertx.vertx() : vertx, vertx == null, options);
        // made on the bridge's context, so that the follower's is the same one: one context for all the state
        bridge.context.runOnContext(v -> bridge.follower = bridge.client.followChanges(bridge::fetch,
                bridge.new Listener(), FollowerOptions.defaults()
                        .withReconnectBackoff(FIRST_BACKOFF, options.maxBackoff())));
        return bridge;
    }

    /**
     * Completes once the export was written to the file the first time (Kamailio's reload may still be failing, as
     * when it is not running yet); fails when the server refuses the credentials or has no export (401, 403, 404).
     */
    public Future<Void> firstSync() {
        return firstSync.future();
    }

    public Future<Status> status() {
        Promise<Status> status = Promise.promise();
        context.runOnContext(v -> status.complete(new Status(writtenId == null ? -1 : writtenId.seq(), entries,
                reloads, reloadPending, follower != null && follower.state() == ChangeFollower.State.LIVE)));
        return status.future();
    }

    /** What the follower hands over, on the bridge's context. */
    private final class Listener implements ChangeFollower.Listener<KamailioExport> {
        @Override
        public void snapshot(KamailioExport export) {
            loaded = syncing ? null : export; // a sync running may have fetched before it: the next one fetches
            wantSync = true;
            scheduleSync(Duration.ZERO);
        }

        @Override
        public void change(Change change) {
            if (writtenId == null || change.seq() > writtenId.seq()) {
                wantSync = true;
                scheduleSync(SETTLE);
            }
        }

        @Override
        public void refused(Throwable cause) {
            closed = true;
            firstSync.tryFail(new IllegalStateException(message(cause) + (cause instanceof SipmapException.NotFound
                    ? " (is it a sipmap server with the exports, and the URL its base?)" : "")));
        }
    }

    /** The export, sending the tag of the file written when the file is still there (a 304 then has no text). */
    private Future<KamailioExport> fetch() {
        boolean current = etag != null && written != null && Files.exists(options.addressFile());
        return client.kamailioExport(options.group(), current ? etag : null);
    }

    private void scheduleSync(Duration delay) {
        if (closed || syncing || syncTimer >= 0 || !wantSync) {
            return;
        }
        long millis = waitMillis(delay);
        if (millis <= 0) {
            sync();
        } else {
            syncTimer = vertx.setTimer(millis, id -> {
                syncTimer = -1;
                sync();
            });
        }
    }

    /** {@code delay}, but no reload sooner than the interval after the last one, and backed off after failures. */
    private long waitMillis(Duration delay) {
        long millis = delay.toMillis();
        if (reloadedOnce) {
            long sinceReload = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastReloadNanos);
            millis = Math.max(millis, options.reloadInterval().toMillis() - sinceReload);
        }
        return syncFailures > 0 ? Math.max(millis, retryDelay.toMillis()) : millis;
    }

    private void sync() {
        if (closed) {
            return;
        }
        syncing = true;
        wantSync = false;
        Future<KamailioExport> export = loaded != null ? Future.succeededFuture(loaded) : fetch();
        loaded = null;
        export.compose(this::writeFile).compose(wrote -> reloadIfPending()).onComplete(done -> {
            syncing = false;
            if (closed) {
                return;
            }
            if (done.succeeded()) {
                syncFailures = 0;
            } else {
                wantSync = true;
                retryDelay = follower.backoff(++syncFailures);
                LOG.log(Level.WARNING, "kamailio-bridge: " + message(done.cause()) + "; retrying in "
                        + seconds(Duration.ofMillis(waitMillis(Duration.ZERO))));
            }
            ChangeId seen = follower.lastEventId();
            if (reloadPending || seen != null && (writtenId == null || seen.seq() > writtenId.seq())) {
                wantSync = true;
            }
            scheduleSync(Duration.ZERO);
        });
    }

    /**
     * Writes the export when it changed, or the last one when the file went missing; marks a reload pending when it
     * wrote. The export's tag and event id are taken only once the file holds it, so a failed write is retried.
     */
    private Future<Void> writeFile(KamailioExport export) {
        boolean missing = !Files.exists(options.addressFile());
        if (export.text().isEmpty() && !missing) {
            taken(export);
            return Future.succeededFuture();
        }
        AddressFile.Content content;
        try {
            content = AddressFile.of(export.text().orElse(written));
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(new IOException("the export is not an address file: " + e.getMessage()));
        }
        if (content.text().equals(written) && !missing && reloadedOnce) {
            taken(export);
            return Future.succeededFuture();
        }
        return vertx.executeBlocking(() -> {
            AddressFile.write(options.addressFile(), content.text());
            return null;
        }, true).<Void>map(v -> {
            taken(export);
            written = content.text();
            entries = content.entries();
            reloadPending = true;
            firstSync.tryComplete();
            if (content.subnets() > options.maxSubnets()) {
                LOG.log(Level.WARNING, "kamailio-bridge: " + content.subnets() + " subnets, more than Kamailio's"
                        + " max_subnets of " + options.maxSubnets() + ": Kamailio drops the rest; raise"
                        + " modparam(\"permissions\", \"max_subnets\", N) and --max-subnets");
            }
            LOG.log(Level.INFO, "kamailio-bridge: wrote " + count(content.entries(), "entry", "entries") + " ("
                    + count(content.subnets(), "subnet", "subnets")
                    + (content.dropped() > 0 ? ", " + content.dropped() + " shadowed left out" : "")
                    + ") to " + options.addressFile() + ", last event id " + writtenId);
            return null;
        }).recover(e -> Future.failedFuture(new IOException("cannot write " + options.addressFile() + ": "
                + message(e), e)));
    }

    private void taken(KamailioExport export) {
        if (export.text().isPresent()) { // a 304 names the tag already held
            etag = export.etag();
        }
        writtenId = export.lastEventId();
    }

    private Future<Void> reloadIfPending() {
        if (!reloadPending) {
            return Future.succeededFuture();
        }
        lastReloadNanos = System.nanoTime();
        reloadedOnce = true;
        ChangeId eventId = writtenId;
        int count = entries;
        return vertx.executeBlocking(this::runReload, false).compose(answer -> {
            if (!answer.ok()) {
                return Future.failedFuture(new IOException("Kamailio did not reload " + options.addressFile() + ": "
                        + answer.output()));
            }
            reloadPending = false;
            reloads++;
            LOG.log(Level.INFO, "kamailio-bridge: Kamailio reloaded " + options.addressFile() + ": "
                    + count(count, "entry", "entries") + ", last event id " + eventId + " (" + answer.output() + ")");
            return Future.succeededFuture();
        });
    }

    private record ReloadAnswer(boolean ok, String output) {
    }

    private ReloadAnswer runReload() throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder(options.reloadCommand()).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new ReloadAnswer(false, "cannot run " + options.reloadCommand().get(0) + ": " + e.getMessage());
        }
        process.getOutputStream().close();
        if (!process.waitFor(RELOAD_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            return new ReloadAnswer(false, String.join(" ", options.reloadCommand()) + " did not finish within "
                    + seconds(RELOAD_TIMEOUT));
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        String oneLine = String.join(" ", output.lines().map(String::strip).toList());
        // kamcmd exits 0 when the RPC itself fails ("error: 500 - ongoing reload"), non-zero when it cannot connect
        boolean ok = process.exitValue() == 0 && !oneLine.startsWith("error");
        return new ReloadAnswer(ok, oneLine.isEmpty() ? "exit status " + process.exitValue()
                : ok ? oneLine : oneLine + " (exit status " + process.exitValue() + ")");
    }

    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() / 1000.0 + " s";
    }

    private static String message(Throwable e) {
        Throwable cause = e;
        while (cause.getMessage() == null && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    /** Stops following, cancels what is scheduled, and releases the client (and its own Vert.x). */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        Promise<Void> stopped = Promise.promise();
        context.runOnContext(v -> {
            closed = true;
            if (follower != null) {
                follower.close();
            }
            if (syncTimer >= 0) {
                vertx.cancelTimer(syncTimer);
            }
            firstSync.tryFail("closed");
            stopped.complete();
        });
        try {
            stopped.future().compose(v -> Future.fromCompletionStage(client.closeAsync()))
                    .compose(v -> ownVertx ? vertx.close() : Future.succeededFuture())
                    .await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("kamailio-bridge: did not stop cleanly: " + e, e);
        }
    }

    /** Its own log lines, without the secret. */
    public static List<String> describe(Options options) {
        return List.of("kamailio-bridge: keeping " + options.addressFile() + " (group " + options.group()
                        + ") current with " + options.server() + " as " + options.user(),
                "kamailio-bridge: reloading with: " + String.join(" ", options.reloadCommand()) + ", at most once"
                        + " every " + seconds(options.reloadInterval()));
    }
}

package io.sipmap.kamailio;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps a Kamailio's {@code permissions} address file current with a sipmap account: fetches
 * {@code GET /sipmap/v1/Exports/Kamailio}, writes it atomically ({@link AddressFile}), asks Kamailio to reload it
 * ({@code kamcmd -s <ctl> permissions.addressReload}), then follows {@code GET /sipmap/v1/Changes} and does it again
 * when the account's mappings change.
 *
 * <p>Bursts are coalesced: a change after a quiet spell is fetched at once, and reloads are at least
 * {@code reloadInterval} apart (Kamailio refuses a reload sooner than its {@code reload_delta}, 5 s by default), so a
 * burst costs one reload at once and one more at the end of the interval, for the final state, never lost: an event
 * newer than the export written always leads to another fetch. It survives the sipmap server restarting (the feed
 * reconnects with backoff and resumes from the last event id; told {@code reset}, it starts again from the export)
 * and Kamailio restarting (a failed reload is retried with backoff; the file is whole at every moment, so a Kamailio
 * starting reads the current state).
 *
 * <p>All its state is touched on one Vert.x context only. The account's secret goes in the Authorization header and
 * nowhere else: no log line, no message, no {@code toString}.
 */
public final class KamailioBridge implements AutoCloseable {

    private static final Logger LOG = System.getLogger(KamailioBridge.class.getName());

    /** How long a burst of events may take to arrive before the export is fetched. */
    static final Duration SETTLE = Duration.ofMillis(50);
    /** The feed sends a comment every 15 s when idle: this long with nothing read means the connection is dead. */
    static final Duration FEED_IDLE_TIMEOUT = Duration.ofSeconds(60);
    /** The first delay before reconnecting or retrying after a failure, doubled for each failure in a row. */
    static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    /** How long kamcmd may take. */
    static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(10);
    private static final long REQUEST_TIMEOUT_MILLIS = 30_000;
    /** An event id as the feed and the exports write it: the change's number, and its tag when it has one. */
    private static final Pattern EVENT_ID = Pattern.compile("([0-9]{1,18})(-[0-9a-f]{8})?");

    /**
     * What the bridge needs.
     *
     * @param server         the sipmap server's base URL (scheme, host, port, optional path): {@code /sipmap/v1}
     *                       is under it
     * @param username       an account SID, or an API key SID
     * @param password       its auth token or secret; never logged, never in {@link #toString()}
     * @param addressFile    the file Kamailio's {@code address_file} names
     * @param group          the group of every line, {@code allow_source_address("<group>")}
     * @param reloadCommand  the command that makes Kamailio reload the file, {@code kamcmd -s <ctl>
     *                       permissions.addressReload}; success is exit status 0 without an {@code error} answer
     * @param reloadInterval reloads are at least this far apart
     * @param maxBackoff     the longest delay between reconnections or retries
     * @param maxSubnets     Kamailio's {@code max_subnets}: more subnets than this are warned about, as Kamailio
     *                       silently drops the rest
     */
    public record Options(URI server, String username, String password, Path addressFile, int group,
                          List<String> reloadCommand, Duration reloadInterval, Duration maxBackoff, int maxSubnets) {

        public Options {
            Objects.requireNonNull(server, "server");
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
            Objects.requireNonNull(addressFile, "addressFile");
            reloadCommand = List.copyOf(reloadCommand);
            if (server.getScheme() == null || !server.getScheme().matches("https?") || server.getHost() == null) {
                throw new IllegalArgumentException("the server URL must be http:// or https:// with a host, got "
                        + server);
            }
            if (server.getUserInfo() != null) {
                throw new IllegalArgumentException("the server URL must not carry credentials: they come from the"
                        + " environment");
            }
            if (group < 1) {
                throw new IllegalArgumentException("the group must be 1 or more, got " + group);
            }
            if (reloadCommand.isEmpty()) {
                throw new IllegalArgumentException("no reload command");
            }
            if (reloadInterval.isNegative() || maxBackoff.compareTo(FIRST_BACKOFF) < 0 || maxSubnets < 1) {
                throw new IllegalArgumentException("bad interval, backoff or max subnets");
            }
        }

        /** The reload command of kamcmd over a Kamailio control socket ({@code unix:/run/kamailio/kamailio_ctl}). */
        public static List<String> kamcmd(String kamcmd, String ctl) {
            return List.of(kamcmd, "-s", ctl, "permissions.addressReload");
        }

        @Override
        public String toString() {
            return "Options[server=" + server + ", username=" + username + ", password=(hidden), addressFile="
                    + addressFile + ", group=" + group + ", reloadCommand=" + reloadCommand + ", reloadInterval="
                    + reloadInterval + ", maxBackoff=" + maxBackoff + ", maxSubnets=" + maxSubnets + "]";
        }
    }

    /** What the bridge has done, for tests and the log. */
    public record Status(long writtenEventId, int entries, long reloads, boolean reloadPending, boolean following) {
    }

    private final Vertx vertx;
    private final boolean ownVertx;
    private final Context context;
    private final Options options;
    private final HttpClient http;
    private final String authorization;
    private final String base;
    private final Promise<Void> firstSync = Promise.promise();
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();

    // state, on `context` only
    private boolean closed;
    private String etag;
    private String written;        // the file's content as last written, null before the first write
    private int entries;
    private long writtenEventId = -1;
    private long seenEventId = -1;
    /** The ids of those two as the server wrote them, tag included: what the feed resumes with. */
    private String writtenId;
    private String seenId;
    private boolean reloadPending;
    private long reloads;
    private long lastReloadNanos;
    private boolean reloadedOnce;
    private boolean syncing;
    private boolean wantSync = true;
    private long syncTimer = -1;
    private int syncFailures;
    private boolean resetPending = true; // the feed starts after the first export
    private long feedGeneration;
    private HttpClientRequest feedRequest;
    private boolean following;
    private long feedTimer = -1;
    private int feedFailures;

    private KamailioBridge(Vertx vertx, boolean ownVertx, Options options) {
        this.vertx = vertx;
        this.ownVertx = ownVertx;
        this.context = vertx.getOrCreateContext();
        this.options = options;
        this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true));
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (options.username() + ":" + options.password()).getBytes(StandardCharsets.UTF_8));
        String url = options.server().toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    /**
     * Starts a bridge on {@code vertx} (null: a Vert.x of its own, closed with the bridge). {@link #firstSync()}
     * tells when the file was first written.
     */
    public static KamailioBridge start(Vertx vertx, Options options) {
        KamailioBridge bridge = new KamailioBridge(vertx == null ? Vertx.vertx() : vertx, vertx == null, options);
        bridge.context.runOnContext(v -> bridge.scheduleSync(Duration.ZERO));
        return bridge;
    }

    /**
     * Completes once the export was written to the file the first time (Kamailio's reload may still be failing, as
     * when it is not running yet); fails when the server refuses the credentials or has no export (401, 403, 404).
     */
    public Future<Void> firstSync() {
        return firstSync.future();
    }

    /** What it has done so far. */
    public Future<Status> status() {
        Promise<Status> status = Promise.promise();
        context.runOnContext(v -> status.complete(new Status(writtenEventId, entries, reloads, reloadPending,
                following)));
        return status.future();
    }

    // ---------------------------------------------------------------- the export, the file and the reload

    private void scheduleSync(Duration delay) {
        if (closed || syncing || syncTimer >= 0 || !wantSync) {
            return;
        }
        long millis = Math.max(delay.toMillis(), 0);
        if (reloadedOnce) { // no reload sooner than the interval after the last one
            long sinceReload = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastReloadNanos);
            millis = Math.max(millis, options.reloadInterval().toMillis() - sinceReload);
        }
        if (syncFailures > 0) {
            millis = Math.max(millis, backoff(syncFailures).toMillis());
        }
        if (millis <= 0) {
            sync();
        } else {
            syncTimer = vertx.setTimer(millis, id -> {
                syncTimer = -1;
                sync();
            });
        }
    }

    private void sync() {
        if (closed) {
            return;
        }
        syncing = true;
        wantSync = false;
        long target = seenEventId;
        boolean resetAtStart = resetPending; // a reset arriving during this sync is for the next one
        fetchExport(target).compose(this::writeFile).compose(wrote -> reloadIfPending())
                .onComplete(done -> {
                    syncing = false;
                    if (closed) {
                        return;
                    }
                    if (done.succeeded()) {
                        syncFailures = 0;
                        if (resetAtStart && resetPending) {
                            resetPending = false;
                            seenEventId = writtenEventId;
                            seenId = writtenId;
                            connectFeed(Duration.ZERO);
                        }
                    } else {
                        wantSync = true;
                        syncFailures++;
                        if (!(done.cause() instanceof Retry)) {
                            LOG.log(Level.WARNING, "kamailio-bridge: " + message(done.cause()) + "; retrying in "
                                    + seconds(backoff(syncFailures)));
                        }
                    }
                    if (seenEventId > writtenEventId || reloadPending) {
                        wantSync = true;
                    }
                    scheduleSync(Duration.ZERO);
                });
    }

    /** An export fetched: its text, its tag and the number of the last change it reflects. */
    private record Export(String text, String etag, long eventId, String id) {
    }

    /** The export, or null when it has not changed (304), which also tells the event id it reflects. */
    private Future<Export> fetchExport(long target) {
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET)
                .setAbsoluteURI(base + "/sipmap/v1/Exports/Kamailio?Group=" + options.group())
                .putHeader("Authorization", authorization).putHeader("Accept", "text/plain")
                .setConnectTimeout(10_000).setIdleTimeout(REQUEST_TIMEOUT_MILLIS);
        if (etag != null && written != null && Files.exists(options.addressFile())) {
            request.putHeader("If-None-Match", etag);
        }
        return http.request(request).compose(HttpClientRequest::send)
                .recover(e -> Future.failedFuture(new IOException("cannot reach " + base + ": " + message(e), e)))
                .compose(response -> response.body().compose(body -> answer(response, body, target)));
    }

    private Future<Export> answer(HttpClientResponse response, Buffer body, long target) {
        String header = response.getHeader("Sipmap-Last-Event-Id");
        long exportEventId = number(header);
        if (response.statusCode() == 304) {
            writtenEventId = Math.max(exportEventId, Math.max(writtenEventId, target));
            return Future.succeededFuture(null);
        }
        if (response.statusCode() != 200) {
            String why = "GET " + base + "/sipmap/v1/Exports/Kamailio answered " + response.statusCode() + " "
                    + errorMessage(body);
            int status = response.statusCode();
            if ((status == 401 || status == 403 || status == 404) && !firstSync.future().isComplete()) {
                firstSync.tryFail(new IllegalStateException(why + (status == 404
                        ? " (is it a sipmap server with the exports, and the URL its base?)" : "")));
                closeQuietly();
            }
            return Future.failedFuture(new IOException(why));
        }
        if (exportEventId < 0) {
            return Future.failedFuture(new IOException("the export came without a valid Sipmap-Last-Event-Id"));
        }
        return Future.succeededFuture(new Export(body.toString(StandardCharsets.UTF_8), response.getHeader("ETag"),
                exportEventId, header));
    }

    /**
     * Writes the export when it changed, or the last one when the file went missing; marks a reload pending when it
     * wrote. The export's tag and event id are taken only once the file holds it, so a failed write is retried.
     */
    private Future<Void> writeFile(Export export) {
        boolean missing = !Files.exists(options.addressFile());
        if (export == null && !missing) {
            return Future.succeededFuture();
        }
        AddressFile.Content content;
        try {
            content = export == null ? AddressFile.of(written) : AddressFile.of(export.text());
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
                    + ") to " + options.addressFile() + ", last event id " + writtenEventId);
            return null;
        }).recover(e -> Future.failedFuture(new IOException("cannot write " + options.addressFile() + ": "
                + message(e), e)));
    }

    private void taken(Export export) {
        if (export != null) {
            etag = export.etag();
            writtenEventId = export.eventId();
            writtenId = export.id();
        }
    }

    private Future<Void> reloadIfPending() {
        if (!reloadPending) {
            return Future.succeededFuture();
        }
        lastReloadNanos = System.nanoTime();
        reloadedOnce = true;
        long eventId = writtenEventId;
        int count = entries;
        return vertx.executeBlocking(this::runReload, false).compose(answer -> {
            if (answer.ok()) {
                reloadPending = false;
                reloads++;
                LOG.log(Level.INFO, "kamailio-bridge: Kamailio reloaded " + options.addressFile() + ": "
                        + count(count, "entry", "entries") + ", last event id " + eventId + " (" + answer.output()
                        + ")");
                return Future.succeededFuture();
            }
            LOG.log(Level.WARNING, "kamailio-bridge: Kamailio did not reload " + options.addressFile() + ": "
                    + answer.output() + "; retrying in " + seconds(Duration.ofMillis(Math.max(
                    options.reloadInterval().toMillis(), backoff(syncFailures + 1).toMillis()))));
            return Future.failedFuture(new Retry());
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

    /** A failure already logged, to be retried. */
    private static final class Retry extends RuntimeException {
        Retry() {
            super(null, null, false, false);
        }
    }

    // ---------------------------------------------------------------- the change feed

    private void connectFeed(Duration delay) {
        if (closed || resetPending || feedTimer >= 0) {
            return;
        }
        if (delay.toMillis() > 0) {
            feedTimer = vertx.setTimer(delay.toMillis(), id -> {
                feedTimer = -1;
                connectFeed(Duration.ZERO);
            });
            return;
        }
        long generation = ++feedGeneration;
        String from = seenEventId >= 0 ? seenId : null;
        RequestOptions request = new RequestOptions().setMethod(HttpMethod.GET)
                .setAbsoluteURI(base + "/sipmap/v1/Changes")
                .putHeader("Authorization", authorization).putHeader("Accept", "text/event-stream")
                .setConnectTimeout(10_000).setIdleTimeout(FEED_IDLE_TIMEOUT.toMillis());
        if (from != null) {
            request.putHeader("Last-Event-ID", from);
        }
        http.request(request).compose(sent -> {
            if (generation == feedGeneration) {
                feedRequest = sent;
            }
            return sent.send();
        }).onComplete(result -> {
            if (closed || generation != feedGeneration) {
                return;
            }
            if (result.failed()) {
                feedEnded(generation, "cannot reach " + base + ": " + message(result.cause()));
                return;
            }
            HttpClientResponse response = result.result();
            if (response.statusCode() != 200) {
                response.body().onComplete(body -> feedEnded(generation, "GET " + base + "/sipmap/v1/Changes"
                        + " answered " + response.statusCode() + " " + (body.succeeded() ? errorMessage(body.result())
                        : "")));
                return;
            }
            feedFailures = 0;
            following = true;
            LOG.log(Level.INFO, "kamailio-bridge: following the changes of " + base + " from event "
                    + (from != null ? seenEventId : "(the head)"));
            EventStream stream = new EventStream(event -> onEvent(generation, event));
            response.handler(chunk -> {
                if (generation != feedGeneration) {
                    return;
                }
                try {
                    stream.feed(chunk.getBytes());
                } catch (RuntimeException e) {
                    feedEnded(generation, "the change feed sent what is not an event stream: " + message(e));
                }
            });
            response.exceptionHandler(e -> feedEnded(generation, "the change feed broke: " + message(e)));
            response.endHandler(v -> feedEnded(generation, "the change feed ended"));
        });
    }

    private void onEvent(long generation, EventStream.Event event) {
        if (closed || generation != feedGeneration) {
            return;
        }
        if (event.type().equals("reset")) {
            LOG.log(Level.INFO, "kamailio-bridge: the server cannot resume from event " + seenEventId + " ("
                    + event.data() + "): starting again from its export");
            stopFeed();
            resetPending = true;
            etag = null; // whatever the tag, learn the export's event id afresh
            wantSync = true;
            scheduleSync(SETTLE);
            return;
        }
        long id = number(event.id());
        if (id < 0) {
            return; // not a change
        }
        seenEventId = id;
        seenId = event.id();
        if (id > writtenEventId) {
            wantSync = true;
            scheduleSync(SETTLE);
        }
    }

    /** The number of an event id, {@code <seq>} or {@code <seq>-<tag>}; -1 for none or another text. */
    private static long number(String id) {
        Matcher matcher = id == null ? null : EVENT_ID.matcher(id);
        return matcher != null && matcher.matches() ? Long.parseLong(matcher.group(1)) : -1;
    }

    private void feedEnded(long generation, String why) {
        if (closed || generation != feedGeneration) {
            return;
        }
        stopFeed();
        if (resetPending) {
            return; // reconnects after the export
        }
        feedFailures++;
        Duration delay = backoff(feedFailures);
        LOG.log(Level.WARNING, "kamailio-bridge: " + why + "; resuming after event " + seenEventId + " in "
                + seconds(delay));
        connectFeed(delay);
    }

    private void stopFeed() {
        feedGeneration++;
        following = false;
        if (feedRequest != null) {
            feedRequest.reset();
            feedRequest = null;
        }
    }

    // ---------------------------------------------------------------- helpers

    private Duration backoff(int failures) {
        long millis = FIRST_BACKOFF.toMillis() << Math.min(failures - 1, 16);
        return Duration.ofMillis(Math.min(millis, options.maxBackoff().toMillis()));
    }

    private static String count(int n, String one, String many) {
        return n + " " + (n == 1 ? one : many);
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + " s" : duration.toMillis() / 1000.0 + " s";
    }

    private static String errorMessage(Buffer body) {
        String text = body.toString(StandardCharsets.UTF_8).strip();
        return text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private static String message(Throwable e) {
        Throwable cause = e;
        while (cause.getMessage() == null && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    private void closeQuietly() {
        closed = true;
        stopFeed();
    }

    /** Stops following, cancels what is scheduled, and releases the HTTP client (and its own Vert.x). */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        Promise<Void> stopped = Promise.promise();
        context.runOnContext(v -> {
            closed = true;
            stopFeed();
            if (syncTimer >= 0) {
                vertx.cancelTimer(syncTimer);
            }
            if (feedTimer >= 0) {
                vertx.cancelTimer(feedTimer);
            }
            firstSync.tryFail("closed");
            stopped.complete();
        });
        try {
            stopped.future().compose(v -> http.close())
                    .compose(v -> ownVertx ? vertx.close() : Future.succeededFuture())
                    .await(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("kamailio-bridge: did not stop cleanly: " + e, e);
        }
    }

    /** Its own log lines, without any request's credentials. */
    public static List<String> describe(Options options) {
        List<String> lines = new ArrayList<>();
        lines.add("kamailio-bridge: keeping " + options.addressFile() + " (group " + options.group()
                + ") current with " + options.server() + " as " + options.username());
        lines.add("kamailio-bridge: reloading with: " + String.join(" ", options.reloadCommand()) + ", at most once"
                + " every " + seconds(options.reloadInterval()));
        return lines;
    }
}

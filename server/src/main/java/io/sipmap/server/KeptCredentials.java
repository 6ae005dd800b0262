package io.sipmap.server;

import io.sipmap.domain.AccountSid;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The account and token a server made up at its first start over an embedded store, kept with the data so that every
 * later start without credentials accepts them again: records belong to an account, and a new account each start would
 * lose them all behind 401s. The file, {@code DATA_DIR/credentials.env}, is in the environment's syntax (a shell can
 * source it), written atomically, readable by its owner only:
 *
 * <pre>
 * TWILIO_ACCOUNT_SID=AC...
 * TWILIO_AUTH_TOKEN=...
 * </pre>
 *
 * A file readable by others, or one that does not parse, is refused rather than used or replaced: either would hide
 * that someone else may hold the token, or that the records' account changed. Nothing is kept over {@code memory} (its
 * records die with it) nor over an external PostgreSQL, which has no directory of the server's: there they are made up
 * at each start, with a warning. Credentials given in the environment or a credentials file always win, and the file
 * is then left alone.
 */
final class KeptCredentials {

    static final String FILE_NAME = "credentials.env";

    private static final String ACCOUNT = "TWILIO_ACCOUNT_SID";
    private static final String TOKEN = "TWILIO_AUTH_TOKEN";
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private KeptCredentials() {
    }

    /**
     * The accounts to start with: {@code accounts} themselves, unless they were made up over an embedded store; then
     * those kept in its data directory (made up ones are kept there the first time).
     *
     * @throws IllegalStateException saying what to do when the file cannot be written, read or trusted
     */
    static Settings.Accounts resolve(Settings.Accounts accounts, Settings.Store store, Logger log) {
        Path file = store.dataDir().resolve(FILE_NAME).toAbsolutePath().normalize();
        if (!accounts.generated()) {
            if (store.kind() == Storage.Kind.EMBEDDED && Files.exists(file)) {
                log.log(Level.INFO, "Credentials were given, so those kept in " + file + " are not used");
            }
            return accounts;
        }
        if (store.kind() == Storage.Kind.POSTGRES) {
            log.log(Level.WARNING, "No credentials given: the account made up for this start is not kept over"
                    + " --store postgres, so its records answer 401 after a restart. Give TWILIO_ACCOUNT_SID and"
                    + " TWILIO_AUTH_TOKEN, or --credentials-file.");
        }
        if (store.kind() != Storage.Kind.EMBEDDED) {
            return accounts;
        }
        try {
            if (Files.exists(file)) {
                Map<String, String> kept = read(file);
                return accounts.kept(new AccountSid(kept.get(ACCOUNT)), kept.get(TOKEN), file, false);
            }
            write(file, accounts.account(), accounts.authToken());
            return accounts.kept(accounts.account(), accounts.authToken(), file, true);
        } catch (IOException e) {
            throw new IllegalStateException("sipmap: cannot keep the made-up credentials in " + file + ": " + e, e);
        }
    }

    /**
     * The two variables of the file, checked: readable by its owner only, both present and well-formed.
     *
     * @throws IllegalStateException saying what is wrong with the file (never what it holds) and what to do
     */
    static Map<String, String> read(Path file) throws IOException {
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
        if (!OWNER_ONLY.containsAll(permissions)) {
            throw new IllegalStateException("sipmap: " + file + " holds an auth token, yet its permissions are "
                    + PosixFilePermissions.toString(permissions) + ": others may have read it. Check who did, then"
                    + " chmod 600 " + file + ", or delete it to have new credentials made up (the records of its"
                    + " account are then out of reach).");
        }
        Map<String, String> values = new TreeMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String trimmed = line.strip();
            int equals = trimmed.indexOf('=');
            if (!trimmed.isEmpty() && !trimmed.startsWith("#") && equals > 0) {
                values.put(trimmed.substring(0, equals), trimmed.substring(equals + 1));
            }
        }
        String account = values.getOrDefault(ACCOUNT, "");
        String token = values.getOrDefault(TOKEN, "");
        if (!account.matches("AC[0-9a-fA-F]{32}") || !token.matches("\\S+")) {
            throw new IllegalStateException("sipmap: " + file + " does not parse: expected the lines " + ACCOUNT
                    + "=AC... and " + TOKEN + "=... that the server wrote. Restore it from a backup, or delete it to"
                    + " have new credentials made up (the records of its account are then out of reach).");
        }
        return Map.of(ACCOUNT, account, TOKEN, token);
    }

    /** What the {@code credentials} command prints: the file's two lines, to paste or to source. */
    static List<String> lines(Path dataDir) throws IOException {
        Map<String, String> kept = read(dataDir.resolve(FILE_NAME).toAbsolutePath().normalize());
        return List.of(ACCOUNT + "=" + kept.get(ACCOUNT), TOKEN + "=" + kept.get(TOKEN));
    }

    /** Written beside, flushed to disk, then renamed over: a crash leaves the whole file or none, never half. */
    private static void write(Path file, AccountSid account, String token) throws IOException {
        Files.createDirectories(file.getParent());
        Path next = file.resolveSibling(FILE_NAME + ".new");
        Files.deleteIfExists(next); // left by a start that died mid-write
        String text = "# Made up by sipmap-server at its first start over this data, accepted again at every start"
                + " without credentials.\n" + ACCOUNT + "=" + account.value() + "\n" + TOKEN + "=" + token + "\n";
        try (FileChannel channel = FileChannel.open(next, Set.of(StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), PosixFilePermissions.asFileAttribute(OWNER_ONLY))) {
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
        }
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE);
    }
}

package io.sipmap.server;

import io.sipmap.adapter.http.server.Credentials;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * Accounts and API keys from a file that holds no secret, only SHA-256 digests of them, re-read when it changes so
 * that keys can be added and revoked without a restart. One entry a line; {@code #} starts a comment:
 *
 * <pre>
 * # account              digest of its auth token
 * AC0123456789abcdef0123456789abcdef  sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
 * # API key              digest of its secret                                                  its account
 * SK0123456789abcdef0123456789abcdef  sha256:60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752  AC0123456789abcdef0123456789abcdef
 * # a read-only API key: the word read-only after its account
 * SKfedcba9876543210fedcba9876543210  sha256:fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9  AC0123456789abcdef0123456789abcdef  read-only
 * </pre>
 *
 * An API key without a fourth field has full access, as in files written before scopes. A read-only key may make every
 * GET and HEAD request its account may (lists, fetches, resolve, the change feed, the exports); any other is refused
 * 403, Twilio's 70051 "Authorization Failed". An account's auth token always has full access: {@code read-only} on
 * its line is an error, not a restriction to rely on.
 *
 * {@code java -jar sipmap-server.jar hash-secret} prints the digest of a secret read from standard input. A digest
 * suffices because these secrets are long and random (Twilio's auth tokens and key secrets are 32 characters): there
 * is nothing to guess a word at a time, so a slow password hash would buy nothing and cost every request.
 */
final class CredentialsFile {

    private static final String DIGEST_PREFIX = "sha256:";
    private static final String READ_ONLY = "read-only";

    private CredentialsFile() {
    }

    /**
     * What the file accepts.
     *
     * @throws IllegalArgumentException naming the file and line of the first entry that is wrong (never its content
     *                                  beyond the SID)
     * @throws IOException              when it cannot be read
     */
    static Credentials read(Path file) throws IOException {
        Credentials credentials = Credentials.none();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int comment = line.indexOf('#');
            String[] fields = (comment < 0 ? line : line.substring(0, comment)).trim().split("\\s+");
            if (fields.length == 1 && fields[0].isEmpty()) {
                continue;
            }
            try {
                credentials = entry(credentials, fields);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(file + " line " + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return credentials;
    }

    private static Credentials entry(Credentials credentials, String[] fields) {
        String user = fields[0];
        if (user.startsWith(AccountSid.PREFIX)) {
            expect(fields.length == 2, "expected an account SID and the digest of its auth token (an account's token"
                    + " always has full access; a read-only API key can be made instead)");
            return credentials.withAccountDigest(AccountSid.parse(user, "account SID"), digest(fields[1]));
        }
        if (user.startsWith(ApiKeySid.PREFIX)) {
            expect(fields.length == 3 || fields.length == 4 && fields[3].equals(READ_ONLY),
                    "expected an API key SID, the digest of its secret, its account SID and optionally " + READ_ONLY);
            return credentials.withApiKeyDigest(ApiKeySid.parse(user, "API key SID"), digest(fields[1]),
                    AccountSid.parse(fields[2], "account SID"),
                    fields.length == 4 ? Credentials.Scope.READ_ONLY : Credentials.Scope.FULL);
        }
        throw new IllegalArgumentException("expected an account SID (AC...) or an API key SID (SK...) first");
    }

    private static byte[] digest(String field) {
        expect(field.startsWith(DIGEST_PREFIX) && field.length() == DIGEST_PREFIX.length() + 64,
                "expected sha256: and 64 hexadecimal digits (java -jar sipmap-server.jar hash-secret makes them)");
        try {
            return HexFormat.of().parseHex(field.substring(DIGEST_PREFIX.length()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the digest is not hexadecimal", e);
        }
    }

    private static void expect(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }

    /** How the file is written into it: {@code sha256:} and 64 hex digits. */
    static String digestOf(String secret) {
        return DIGEST_PREFIX + HexFormat.of().formatHex(Credentials.digest(secret));
    }

    /**
     * Re-reads {@code file} when its modification time, size or identity changes (an editor that renames a new file
     * into place changes its identity), checking every {@code periodMillis} on {@code vertx}'s worker threads, and
     * makes {@code shared} accept what {@code base} and the file accept; open change-feed streams of credentials that
     * no longer authenticate then end ({@link Credentials#replaceWith}). A file that cannot be read or is wrong keeps
     * the credentials as they were, streams included, and says so through {@code log}, once per version of the file.
     */
    static void watch(Vertx vertx, Path file, Credentials base, Credentials shared, long periodMillis,
                      System.Logger log) {
        Object[] seen = {stamp(file)};
        vertx.setPeriodic(periodMillis, periodMillis, id -> vertx.executeBlocking(() -> {
            Object now = stamp(file);
            if (Objects.equals(now, seen[0])) {
                return null;
            }
            seen[0] = now;
            try {
                Credentials read = read(file);
                shared.replaceWith(base.withAll(read));
                log.log(System.Logger.Level.INFO, "Credentials reloaded from " + file + ": " + read.size()
                        + " account and API key SID(s)");
            } catch (IOException | RuntimeException e) {
                log.log(System.Logger.Level.WARNING, "Kept the credentials as they were: " + e.getMessage());
            }
            return null;
        }, false));
    }

    private static Object stamp(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(attributes.lastModifiedTime(), attributes.size(), String.valueOf(attributes.fileKey()));
        } catch (IOException e) {
            return e.getClass().getSimpleName();
        }
    }
}

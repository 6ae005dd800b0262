package io.sipmap.adapter.http.server;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import io.sipmap.domain.Sid;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may call the server, and for which account: each account's SID and auth token, and API keys ({@code SK...})
 * with their secret and the account they belong to. Thread-safe. The {@code with...} methods return copies, for
 * building; {@link #revoke(ApiKeySid)} changes this instance while a server uses it, and the next request sees it.
 *
 * <p>Secrets are kept only as SHA-256 digests and compared with {@link MessageDigest#isEqual}, so a comparison takes
 * the same time whatever the secret given and whether the user name is known. {@link #toString()} shows no secret.
 */
public final class Credentials {

    /** Never used itself, only cloned, so that threads may share it. Before UNKNOWN_USER, which needs it. */
    private static final MessageDigest SHA_256 = sha256();
    private static final byte[] UNKNOWN_USER = sha256("\0no such user\0");

    /** Replaced whole, never changed, so that reads take no lock and see one state or the other. */
    private volatile Map<String, Entry> byUser;

    private record Entry(byte[] secretDigest, AccountSid account) {
    }

    private Credentials(Map<String, Entry> byUser) {
        this.byUser = Map.copyOf(byUser);
    }

    /** No credentials at all: every request is refused. */
    public static Credentials none() {
        return new Credentials(Map.of());
    }

    /** One account and its auth token. */
    public static Credentials of(AccountSid account, String authToken) {
        return none().withAccount(account, authToken);
    }

    /** A copy that also accepts {@code account:authToken}, acting for that account. */
    public Credentials withAccount(AccountSid account, String authToken) {
        Objects.requireNonNull(account, "account");
        return with(account.value(), authToken, account);
    }

    /** A copy that also accepts {@code apiKey:secret}, acting for {@code account}. */
    public Credentials withApiKey(ApiKeySid apiKey, String secret, AccountSid account) {
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(account, "account");
        return with(apiKey.value(), secret, account);
    }

    /**
     * A copy that also accepts {@code account} with the auth token whose SHA-256 digest is {@code tokenDigest} (of the
     * token's UTF-8 bytes, as {@link #digest} makes it): for credentials stored as digests, never as secrets.
     */
    public Credentials withAccountDigest(AccountSid account, byte[] tokenDigest) {
        Objects.requireNonNull(account, "account");
        return withDigest(account.value(), tokenDigest, account);
    }

    /** A copy that also accepts {@code apiKey} with the secret whose SHA-256 digest is {@code secretDigest}. */
    public Credentials withApiKeyDigest(ApiKeySid apiKey, byte[] secretDigest, AccountSid account) {
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(account, "account");
        return withDigest(apiKey.value(), secretDigest, account);
    }

    /** A copy that also accepts everything {@code other} accepts; where both know a user, {@code other}'s secret. */
    public Credentials withAll(Credentials other) {
        Map<String, Entry> copy = new HashMap<>(byUser);
        copy.putAll(other.byUser);
        return new Credentials(copy);
    }

    /**
     * From the next request on, accepts exactly what {@code other} accepts, on every server using these credentials:
     * a request sees the old set or the new one, never a mix. Requests already authenticated finish.
     */
    public void replaceWith(Credentials other) {
        Objects.requireNonNull(other, "other");
        synchronized (this) {
            byUser = other.byUser;
        }
    }

    /** The SHA-256 digest of a secret's UTF-8 bytes, as the {@code ...Digest} methods take it. */
    public static byte[] digest(String secret) {
        return sha256(Objects.requireNonNull(secret, "secret"));
    }

    private Credentials with(String user, String secret, AccountSid account) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("The secret of " + user + " is empty");
        }
        return withDigest(user, sha256(secret), account);
    }

    private Credentials withDigest(String user, byte[] digest, AccountSid account) {
        if (digest == null || digest.length != UNKNOWN_USER.length) {
            throw new IllegalArgumentException("The digest of the secret of " + user + " is not a SHA-256 digest");
        }
        Map<String, Entry> copy = new HashMap<>(byUser);
        copy.put(user, new Entry(digest.clone(), account));
        return new Credentials(copy);
    }

    /**
     * The account that {@code user:secret} acts for, or empty when they are not a known pair. The user name is an
     * account or API key SID, its hex digits in either case.
     */
    public Optional<AccountSid> authenticate(String user, String secret) {
        Entry entry = user == null ? null : byUser.get(canonicalUser(user));
        byte[] given = sha256(secret == null ? "" : secret);
        // Compare against a stand-in for an unknown user too, so the time taken tells nothing.
        boolean equal = MessageDigest.isEqual(entry == null ? UNKNOWN_USER : entry.secretDigest(), given);
        return entry != null && equal ? Optional.of(entry.account()) : Optional.empty();
    }

    /**
     * Stops accepting an API key, from the next request on, on every server using these credentials. Requests already
     * authenticated finish.
     *
     * @return whether the key was accepted until now
     */
    public boolean revoke(ApiKeySid apiKey) {
        Objects.requireNonNull(apiKey, "apiKey");
        synchronized (this) {
            if (!byUser.containsKey(apiKey.value())) {
                return false;
            }
            Map<String, Entry> copy = new HashMap<>(byUser);
            copy.remove(apiKey.value());
            byUser = Map.copyOf(copy);
            return true;
        }
    }

    /** How many account and API key SIDs are accepted. */
    public int size() {
        return byUser.size();
    }

    private static String canonicalUser(String user) {
        if (Sid.isWellFormed(AccountSid.PREFIX, user)) {
            return AccountSid.parse(user, "username").value();
        }
        if (Sid.isWellFormed(ApiKeySid.PREFIX, user)) {
            return ApiKeySid.parse(user, "username").value();
        }
        return user;
    }

    private static byte[] sha256(String text) {
        try {
            // a clone of one instance: getInstance looks the provider up on every call
            return ((MessageDigest) SHA_256.clone()).digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("The JDK's SHA-256 can be cloned", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "Credentials" + byUser.keySet().stream().sorted().toList();
    }
}

package io.sipmap.adapter.http.server;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import io.sipmap.domain.Sid;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may call the server, and for which account: each account's SID and auth token, and API keys ({@code SK...})
 * with their secret and the account they belong to. Thread-safe. The {@code with...} methods return copies, for
 * building; {@link #replaceWith} and {@link #revoke(ApiKeySid)} change this instance while a server uses it, and the
 * next request sees it; so do the server's open change-feed streams, which end when the credentials that opened them
 * stop authenticating ({@link #authenticates(Principal)}).
 *
 * <p>An account's auth token always has full access; an API key may be {@linkplain Scope#READ_ONLY read-only}.
 *
 * <p>Secrets are kept only as SHA-256 digests and compared with {@link MessageDigest#isEqual}, so a comparison takes
 * the same time whatever the secret given and whether the user name is known. {@link #toString()} shows no secret.
 */
public final class Credentials {

    /** Never used itself, only cloned, so that threads may share it. Before UNKNOWN_USER, which needs it. */
    private static final MessageDigest SHA_256 = sha256();
    private static final byte[] UNKNOWN_USER = sha256("\0no such user\0");

    /** Replaced whole, never changed, so that reads take no lock and see one state or the other. */
    private volatile Map<String, Principal> byUser;
    /** Told of every change of this instance; a set that is cheap to join and leave for each open stream. */
    private final Set<Runnable> listeners = ConcurrentHashMap.newKeySet();

    /** What an account or API key may do. */
    public enum Scope {
        /** Everything: reads and writes. Always the scope of an account's auth token. */
        FULL,
        /** Only reads (GET and HEAD: lists, fetches, resolve, the change feed, the exports); a write is refused 403. */
        READ_ONLY
    }

    /**
     * Who a request authenticated as: the account or API key SID (canonical), the account it acts for, its scope, and
     * the digest of the secret it matched (kept private; {@link #toString()} shows the SIDs and the scope only).
     */
    public static final class Principal {
        private final String user;
        private final byte[] secretDigest;
        private final AccountSid account;
        private final Scope scope;

        private Principal(String user, byte[] secretDigest, AccountSid account, Scope scope) {
            this.user = user;
            this.secretDigest = secretDigest;
            this.account = account;
            this.scope = scope;
        }

        /** The account or API key SID that authenticated. */
        public String user() {
            return user;
        }

        /** The account it acts for. */
        public AccountSid account() {
            return account;
        }

        public Scope scope() {
            return scope;
        }

        /** Whether {@code other} names the same user with the same secret for the same account, whatever its scope. */
        private boolean sameSecret(Principal other) {
            return other == this || other != null && user.equals(other.user) && account.equals(other.account)
                    && Arrays.equals(secretDigest, other.secretDigest);
        }

        @Override
        public String toString() {
            return user + " of " + account + " (" + scope + ")";
        }
    }

    private Credentials(Map<String, Principal> byUser) {
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
        return with(account.value(), authToken, account, Scope.FULL);
    }

    /** A copy that also accepts {@code apiKey:secret}, acting for {@code account} with full access. */
    public Credentials withApiKey(ApiKeySid apiKey, String secret, AccountSid account) {
        return withApiKey(apiKey, secret, account, Scope.FULL);
    }

    /** A copy that also accepts {@code apiKey:secret}, acting for {@code account} within {@code scope}. */
    public Credentials withApiKey(ApiKeySid apiKey, String secret, AccountSid account, Scope scope) {
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(account, "account");
        return with(apiKey.value(), secret, account, scope);
    }

    /**
     * A copy that also accepts {@code account} with the auth token whose SHA-256 digest is {@code tokenDigest} (of the
     * token's UTF-8 bytes, as {@link #digest} makes it): for credentials stored as digests, never as secrets.
     */
    public Credentials withAccountDigest(AccountSid account, byte[] tokenDigest) {
        Objects.requireNonNull(account, "account");
        return withDigest(account.value(), tokenDigest, account, Scope.FULL);
    }

    /** A copy that also accepts {@code apiKey}, with full access, with the secret whose digest is {@code secretDigest}. */
    public Credentials withApiKeyDigest(ApiKeySid apiKey, byte[] secretDigest, AccountSid account) {
        return withApiKeyDigest(apiKey, secretDigest, account, Scope.FULL);
    }

    /** A copy that also accepts {@code apiKey}, within {@code scope}, with the secret whose digest is given. */
    public Credentials withApiKeyDigest(ApiKeySid apiKey, byte[] secretDigest, AccountSid account, Scope scope) {
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(account, "account");
        return withDigest(apiKey.value(), secretDigest, account, scope);
    }

    /**
     * A copy that also accepts everything {@code other} accepts; where both know a user, {@code other}'s secret and
     * scope.
     */
    public Credentials withAll(Credentials other) {
        Map<String, Principal> copy = new HashMap<>(byUser);
        copy.putAll(other.byUser);
        return new Credentials(copy);
    }

    /**
     * From the next request on, accepts exactly what {@code other} accepts, on every server using these credentials:
     * a request sees the old set or the new one, never a mix. Requests already authenticated finish; a change-feed
     * stream opened with a user that no longer authenticates with the same secret for the same account ends (a change
     * of scope alone ends none: streams only read).
     */
    public void replaceWith(Credentials other) {
        Objects.requireNonNull(other, "other");
        synchronized (this) {
            byUser = other.byUser;
        }
        changed();
    }

    /** The SHA-256 digest of a secret's UTF-8 bytes, as the {@code ...Digest} methods take it. */
    public static byte[] digest(String secret) {
        return sha256(Objects.requireNonNull(secret, "secret"));
    }

    private Credentials with(String user, String secret, AccountSid account, Scope scope) {
        if (secret == null || secret.isEmpty()) {
            throw new IllegalArgumentException("The secret of " + user + " is empty");
        }
        return withDigest(user, sha256(secret), account, scope);
    }

    private Credentials withDigest(String user, byte[] digest, AccountSid account, Scope scope) {
        Objects.requireNonNull(scope, "scope");
        if (digest == null || digest.length != UNKNOWN_USER.length) {
            throw new IllegalArgumentException("The digest of the secret of " + user + " is not a SHA-256 digest");
        }
        Map<String, Principal> copy = new HashMap<>(byUser);
        copy.put(user, new Principal(user, digest.clone(), account, scope));
        return new Credentials(copy);
    }

    private Credentials without(String user) {
        Map<String, Principal> copy = new HashMap<>(byUser);
        copy.remove(user);
        return new Credentials(copy);
    }

    /**
     * The account that {@code user:secret} acts for, or empty when they are not a known pair. The user name is an
     * account or API key SID, its hex digits in either case.
     */
    public Optional<AccountSid> authenticate(String user, String secret) {
        return principal(user, secret).map(Principal::account);
    }

    /** Who {@code user:secret} is, or empty when they are not a known pair; as {@link #authenticate}. */
    public Optional<Principal> principal(String user, String secret) {
        Principal known = user == null ? null : byUser.get(canonicalUser(user));
        byte[] given = sha256(secret == null ? "" : secret);
        // Compare against a stand-in for an unknown user too, so the time taken tells nothing.
        boolean equal = MessageDigest.isEqual(known == null ? UNKNOWN_USER : known.secretDigest, given);
        return known != null && equal ? Optional.of(known) : Optional.empty();
    }

    /**
     * Whether {@code principal}, authenticated earlier, still would be: its user is still accepted, with the same
     * secret, for the same account (its scope may have changed). No digest is computed: cheap enough to ask for every
     * open stream on each change.
     */
    public boolean authenticates(Principal principal) {
        return principal.sameSecret(byUser.get(principal.user));
    }

    /**
     * Calls {@code listener} after each change of this instance ({@link #replaceWith}, {@link #revoke}), on the thread
     * that made it, until the returned handle is run. The listener must not block.
     */
    Runnable onChange(Runnable listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private void changed() {
        for (Runnable listener : listeners) {
            listener.run();
        }
    }

    /**
     * Stops accepting an API key, from the next request on, on every server using these credentials. Requests already
     * authenticated finish; the change-feed streams it opened end.
     *
     * @return whether the key was accepted until now
     */
    public boolean revoke(ApiKeySid apiKey) {
        Objects.requireNonNull(apiKey, "apiKey");
        synchronized (this) {
            if (!byUser.containsKey(apiKey.value())) {
                return false;
            }
            byUser = without(apiKey.value()).byUser;
        }
        changed();
        return true;
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

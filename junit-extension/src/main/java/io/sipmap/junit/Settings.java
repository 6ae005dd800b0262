package io.sipmap.junit;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import io.sipmap.domain.SipmapException;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link SipmapExtension} serves, from {@link SipmapTest} or {@link SipmapExtension.Builder}. Immutable;
 * {@link #toString()} leaves the secrets out.
 *
 * @param port         0 for a free port, else that port
 * @param account      the account the server knows
 * @param authToken    its auth token
 * @param apiKey       an API key of the account, or null
 * @param apiKeySecret its secret, or null
 * @param store        where records are kept
 * @param state        how long what a test writes lasts
 * @param records      files of records to load, as {@link RecordsFile#read} locates them
 */
record Settings(int port, AccountSid account, String authToken, ApiKeySid apiKey, String apiKeySecret, Store store,
                State state, List<String> records) {

    Settings {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(authToken, "authToken");
        if (authToken.isEmpty()) {
            throw new IllegalArgumentException("the auth token must not be empty");
        }
        if ((apiKey == null) != (apiKeySecret == null)) {
            throw new IllegalArgumentException("an API key needs both its SID and its secret");
        }
        Objects.requireNonNull(store, "store");
        Objects.requireNonNull(state, "state");
        records = List.copyOf(records);
    }

    /** The settings an annotation states. */
    static Settings of(SipmapTest test) {
        try {
            ApiKeySid key = test.apiKeySid().isEmpty() ? null : ApiKeySid.parse(test.apiKeySid(), "apiKeySid");
            String secret = test.apiKeySid().isEmpty() ? null : test.apiKeySecret();
            return new Settings(test.port(), AccountSid.parse(test.accountSid(), "accountSid"), test.authToken(), key,
                    secret, test.store(), test.state(), List.of(test.records()));
        } catch (SipmapException.InvalidParameter e) {
            throw new IllegalArgumentException("@SipmapTest: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "Settings[port=" + port + ", account=" + account.value() + ", apiKey="
                + (apiKey == null ? "none" : apiKey.value()) + ", store=" + store + ", state=" + state + ", records="
                + records + "]";
    }
}

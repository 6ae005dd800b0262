package io.sipmap.junit;

import io.sipmap.adapter.http.client.SipmapClient;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the server of a {@link SipmapExtension} listens and who may call it: what a test hands to the code it tests
 * in place of {@code https://voice.twilio.com} and a real account's credentials. Injected as a test parameter.
 *
 * <p>Immutable and thread-safe. {@link #toString()} names the address and the account, never the token or the API
 * key's secret, so that printing it (a failed assertion, a log line) gives no secret away.
 */
public final class SipmapServerInfo {

    private final String baseUrl;
    private final AccountSid account;
    private final String authToken;
    private final ApiKeySid apiKey;
    private final String apiKeySecret;

    SipmapServerInfo(String baseUrl, AccountSid account, String authToken, ApiKeySid apiKey, String apiKeySecret) {
        this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        this.account = Objects.requireNonNull(account, "account");
        this.authToken = Objects.requireNonNull(authToken, "authToken");
        this.apiKey = apiKey;
        this.apiKeySecret = apiKeySecret;
    }

    /** The server's base URL, without a trailing slash: {@code http://127.0.0.1:PORT}; Twilio's resources are under it. */
    public String baseUrl() {
        return baseUrl;
    }

    /** The port the server listens on, on 127.0.0.1. */
    public int port() {
        return Integer.parseInt(baseUrl.substring(baseUrl.lastIndexOf(':') + 1));
    }

    /** The account the server knows, as text: {@code AC} and 32 hex digits. */
    public String accountSid() {
        return account.value();
    }

    /** The account the server knows. */
    public AccountSid account() {
        return account;
    }

    /** The account's auth token. */
    public String authToken() {
        return authToken;
    }

    /** The SID of the account's API key, when the extension was given one. */
    public Optional<String> apiKeySid() {
        return Optional.ofNullable(apiKey).map(ApiKeySid::value);
    }

    /** The secret of the account's API key, when the extension was given one. */
    public Optional<String> apiKeySecret() {
        return Optional.ofNullable(apiKeySecret);
    }

    /**
     * A {@link SipmapClient} builder for this server and account (base URL and account credentials set), for a test
     * that wants a client of its own making: another retry policy, other timeouts. The caller closes what it builds.
     */
    public SipmapClient.Builder clientBuilder() {
        return SipmapClient.builder().baseUrl(baseUrl).accountCredentials(account, authToken);
    }

    @Override
    public String toString() {
        return "sipmap server at " + baseUrl + " for " + account.value();
    }
}

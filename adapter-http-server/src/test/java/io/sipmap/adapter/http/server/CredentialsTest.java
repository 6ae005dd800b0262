package io.sipmap.adapter.http.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.ApiKeySid;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CredentialsTest {

    static final AccountSid ACCOUNT = new AccountSid("AC" + "1".repeat(32));
    static final ApiKeySid KEY = new ApiKeySid("SK" + "2".repeat(32));
    static final ApiKeySid OTHER_KEY = new ApiKeySid("SK" + "3".repeat(32));

    @Test
    void aRevokedKeyIsRefusedAndTheOthersStillWork() {
        Credentials credentials = Credentials.of(ACCOUNT, "token").withApiKey(KEY, "secret", ACCOUNT)
                .withApiKey(OTHER_KEY, "other", ACCOUNT);

        assertThat(credentials.revoke(KEY)).isTrue();

        assertThat(credentials.authenticate(KEY.value(), "secret")).isEmpty();
        assertThat(credentials.authenticate(OTHER_KEY.value(), "other")).contains(ACCOUNT);
        assertThat(credentials.authenticate(ACCOUNT.value(), "token")).contains(ACCOUNT);
        assertThat(credentials.revoke(KEY)).isFalse();
        assertThat(credentials.size()).isEqualTo(2);
    }

    @Test
    void copiesMadeBeforeARevocationKeepTheKey() {
        Credentials credentials = Credentials.of(ACCOUNT, "token").withApiKey(KEY, "secret", ACCOUNT);
        Credentials copy = credentials.withApiKey(OTHER_KEY, "other", ACCOUNT);

        credentials.revoke(KEY);

        assertThat(copy.authenticate(KEY.value(), "secret")).contains(ACCOUNT);
        assertThat(credentials.withAccount(new AccountSid("AC" + "4".repeat(32)), "t")
                .authenticate(KEY.value(), "secret")).isEmpty();
    }

    @Test
    void revokingWhileOthersAuthenticateLosesNoKey() throws Exception {
        Credentials credentials = Credentials.of(ACCOUNT, "token");
        List<ApiKeySid> keys = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            ApiKeySid key = ApiKeySid.ofHex(String.format("%032x", i + 1));
            keys.add(key);
            credentials = credentials.withApiKey(key, "s" + i, ACCOUNT);
        }
        Credentials shared = credentials;
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger wrong = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int offset = t;
            threads.add(new Thread(() -> {
                try {
                    start.await(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = offset; i < keys.size(); i += 4) {
                    if (i % 2 == 0 && !shared.revoke(keys.get(i))) {
                        wrong.incrementAndGet();
                    }
                    if (shared.authenticate(ACCOUNT.value(), "token").isEmpty()) {
                        wrong.incrementAndGet();
                    }
                }
            }));
        }
        threads.forEach(Thread::start);
        start.countDown();
        for (Thread thread : threads) {
            thread.join(10_000);
        }

        assertThat(wrong).hasValue(0);
        for (int i = 0; i < keys.size(); i++) {
            assertThat(shared.authenticate(keys.get(i).value(), "s" + i).isPresent()).as("key %d", i)
                    .isEqualTo(i % 2 == 1);
        }
        assertThat(shared.size()).isEqualTo(1 + keys.size() / 2);
    }

    @Test
    void acceptsSecretsGivenAsTheirDigestsOnly() {
        Credentials credentials = Credentials.none()
                .withAccountDigest(ACCOUNT, Credentials.digest("token"))
                .withApiKeyDigest(KEY, Credentials.digest("secret"), ACCOUNT);

        assertThat(credentials.authenticate(ACCOUNT.value(), "token")).contains(ACCOUNT);
        assertThat(credentials.authenticate(KEY.value(), "secret")).contains(ACCOUNT);
        assertThat(credentials.authenticate(KEY.value(), "token")).isEmpty();
        assertThatThrownBy(() -> Credentials.none().withAccountDigest(ACCOUNT, new byte[31]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SHA-256");
    }

    @Test
    void aReplacementTakesEffectWholeOnTheSharedInstance() {
        Credentials shared = Credentials.of(ACCOUNT, "token").withApiKey(KEY, "secret", ACCOUNT);

        shared.replaceWith(Credentials.of(ACCOUNT, "token").withApiKey(OTHER_KEY, "other", ACCOUNT));

        assertThat(shared.authenticate(KEY.value(), "secret")).isEmpty();
        assertThat(shared.authenticate(OTHER_KEY.value(), "other")).contains(ACCOUNT);
        assertThat(shared.withAll(Credentials.of(new AccountSid("AC" + "5".repeat(32)), "t")).size()).isEqualTo(3);
    }

    @Test
    void aReadOnlyKeyAuthenticatesWithItsScopeAndAnAccountTokenIsAlwaysFull() {
        Credentials credentials = Credentials.of(ACCOUNT, "token")
                .withApiKey(KEY, "secret", ACCOUNT, Credentials.Scope.READ_ONLY)
                .withApiKeyDigest(OTHER_KEY, Credentials.digest("other"), ACCOUNT, Credentials.Scope.READ_ONLY);

        Credentials.Principal key = credentials.principal(KEY.value(), "secret").orElseThrow();
        assertThat(key.user()).isEqualTo(KEY.value());
        assertThat(key.account()).isEqualTo(ACCOUNT);
        assertThat(key.scope()).isEqualTo(Credentials.Scope.READ_ONLY);
        assertThat(credentials.principal(OTHER_KEY.value(), "other").orElseThrow().scope())
                .isEqualTo(Credentials.Scope.READ_ONLY);
        assertThat(credentials.principal(ACCOUNT.value(), "token").orElseThrow().scope())
                .isEqualTo(Credentials.Scope.FULL);
        assertThat(credentials.authenticate(KEY.value(), "secret")).contains(ACCOUNT);
        assertThat(key.toString()).doesNotContain("secret").contains(KEY.value(), "READ_ONLY");
    }

    @Test
    void aPrincipalStillAuthenticatesWhileItsUserHasTheSameSecretForTheSameAccount() {
        Credentials shared = Credentials.of(ACCOUNT, "token").withApiKey(KEY, "secret", ACCOUNT);
        Credentials.Principal key = shared.principal(KEY.value(), "secret").orElseThrow();
        Credentials.Principal account = shared.principal(ACCOUNT.value(), "token").orElseThrow();

        // a reload makes new entries: the same secret still authenticates, whatever the scope
        shared.replaceWith(Credentials.of(ACCOUNT, "token")
                .withApiKey(KEY, "secret", ACCOUNT, Credentials.Scope.READ_ONLY));
        assertThat(shared.authenticates(key)).isTrue();
        assertThat(shared.authenticates(account)).isTrue();

        shared.replaceWith(Credentials.of(ACCOUNT, "new token")
                .withApiKey(KEY, "secret", new AccountSid("AC" + "6".repeat(32))));
        assertThat(shared.authenticates(key)).as("moved to another account").isFalse();
        assertThat(shared.authenticates(account)).as("a new token").isFalse();
    }

    @Test
    void listenersHearEveryChangeOfTheSharedInstanceUntilTheyLeave() {
        Credentials shared = Credentials.of(ACCOUNT, "token").withApiKey(KEY, "secret", ACCOUNT);
        AtomicInteger heard = new AtomicInteger();
        Runnable leave = shared.onChange(heard::incrementAndGet);

        shared.revoke(KEY);
        shared.revoke(KEY); // nothing to revoke: nothing changed
        shared.replaceWith(Credentials.none());
        Credentials copy = shared.withAccount(ACCOUNT, "token");
        copy.replaceWith(Credentials.none()); // a copy has listeners of its own
        leave.run();
        shared.replaceWith(Credentials.none());

        assertThat(heard).hasValue(2);
    }
}

package io.sipmap.contract;

import static io.sipmap.contract.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.Resolution;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Waits, at most a bound, for an instance to resolve an address as expected, then asserts that it does. */
final class Convergence {

    private final Stores instance;
    private final AccountSid account;
    private final Duration bound;

    Convergence(Stores instance, AccountSid account, Duration bound) {
        this.instance = instance;
        this.account = account;
        this.bound = bound;
    }

    /** Asserts that {@code address} resolves to {@code expected} within the bound from now; checked at least once. */
    void to(String address, Optional<Resolution> expected) {
        long deadline = System.nanoTime() + bound.toNanos();
        Optional<Resolution> seen = resolve(address);
        while (!seen.equals(expected) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            seen = resolve(address);
        }
        assertThat(seen).as("what %s resolves to on the other instance, %s ms after the write", address,
                bound.toMillis()).isEqualTo(expected);
    }

    private Optional<Resolution> resolve(String address) {
        return await(instance.resolutions().resolve(account, IpAddress.parse(address)));
    }
}

package io.sipmap.service;

import io.sipmap.api.SipDomainResolver;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpAddress;
import io.sipmap.domain.Ipv4Address;
import io.sipmap.domain.Resolution;
import io.sipmap.spi.ResolutionStore;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/** {@link SipDomainResolver} over a {@link ResolutionStore}. Thread-safe if the store is. */
public final class ResolutionService implements SipDomainResolver {

    private final ResolutionStore store;

    public ResolutionService(ResolutionStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    @Override
    public CompletionStage<Optional<Resolution>> resolve(AccountSid account, IpAddress address) {
        return Stages.call(() -> {
            Objects.requireNonNull(account, "account");
            Objects.requireNonNull(address, "address");
            return store.resolve(account, address);
        });
    }
}

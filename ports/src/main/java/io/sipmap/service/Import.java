package io.sipmap.service;

import io.sipmap.api.IpRecords;
import io.sipmap.api.SourceIpMappings;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SourceIpMapping;
import io.sipmap.spi.IpRecordStore;
import io.sipmap.spi.SourceIpMappingStore;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Copies an account's IP records and source IP mappings from a Twilio-compatible API (Twilio itself, or a sipmap
 * server) into a server's stores, keeping their SIDs and dates, so that code and tests naming real SIDs work
 * unchanged against the copy. Records first, then mappings, a page at a time, one write at a time.
 *
 * <p>What the stores already hold is compared, not overwritten blindly: an equal record is left alone, so a second
 * run changes nothing; a record whose friendly name changed at the source is updated (the one field Twilio lets
 * change), and a mapping whose SIP domain changed is moved. What cannot be reconciled (a record whose address or
 * prefix differs under the same SID, a mapping whose IP record is mapped otherwise here) is reported as a conflict and
 * left as it is. In a dry run nothing is written and the report says what would be done.
 *
 * <p>One run is not thread-safe; runs of different accounts are independent.
 */
public final class Import {

    /**
     * What an import did, or would do in a dry run.
     *
     * @param conflicts what could not be reconciled, one message each, in the order met; never null
     */
    public record Report(boolean dryRun, Counts records, Counts mappings, List<String> conflicts) {

        /** One line, for the end of the output. */
        public String summary() {
            String would = dryRun ? "would be " : "";
            return "import: IP records: " + records.describe(would) + "; source IP mappings: "
                    + mappings.describe(would) + "; " + conflicts.size() + " conflict(s)"
                    + (dryRun ? " (dry run: nothing written)" : "");
        }
    }

    /** How many were created, updated and left unchanged. */
    public record Counts(int created, int updated, int unchanged) {

        Counts plus(Outcome outcome) {
            return switch (outcome) {
                case CREATED -> new Counts(created + 1, updated, unchanged);
                case UPDATED -> new Counts(created, updated + 1, unchanged);
                case UNCHANGED -> new Counts(created, updated, unchanged + 1);
                case CONFLICT -> this;
            };
        }

        String describe(String would) {
            return created + " " + would + "created, " + updated + " " + would + "updated, " + unchanged
                    + " unchanged";
        }
    }

    private enum Outcome { CREATED, UPDATED, UNCHANGED, CONFLICT }

    private final AccountSid account;
    private final IpRecordStore ipRecordStore;
    private final SourceIpMappingStore mappingStore;
    private final boolean dryRun;
    private final Consumer<String> say;
    private final List<String> conflicts = new ArrayList<>();

    private Import(AccountSid account, IpRecordStore ipRecordStore, SourceIpMappingStore mappingStore,
                   boolean dryRun, Consumer<String> say) {
        this.account = account;
        this.ipRecordStore = ipRecordStore;
        this.mappingStore = mappingStore;
        this.dryRun = dryRun;
        this.say = say;
    }

    /**
     * Imports {@code account}'s records read through {@code ipRecords} and {@code mappings} into the two stores,
     * records first, then mappings, in the source's order. A store's {@link SipmapException.Conflict} or
     * {@link SipmapException.InvalidParameter} on a write is a conflict in the report, not a failure.
     *
     * @param say told one line per change and per conflict, as it happens, on the thread completing the stage
     * @return the report; failed with the source's or a store's failure otherwise (what was written until then
     *         stays, and a new run takes up from there)
     */
    public static CompletionStage<Report> run(AccountSid account, IpRecords ipRecords, SourceIpMappings mappings,
                                       IpRecordStore ipRecordStore, SourceIpMappingStore mappingStore, boolean dryRun,
                                       Consumer<String> say) {
        Import run = new Import(account, ipRecordStore, mappingStore, dryRun, say);
        PageRequest first = PageRequest.first(PageRequest.MAX_SIZE);
        Counts none = new Counts(0, 0, 0);
        return run.walk(request -> ipRecords.list(account, request), first, run::record, none)
                .thenCompose(records -> run.walk(request -> mappings.list(account, request), first, run::mapping, none)
                        .thenApply(copied -> new Report(dryRun, records, copied, List.copyOf(run.conflicts))));
    }

    /** Every page from {@code request} on, each item through {@code one}, in order, one at a time. */
    private <T> CompletionStage<Counts> walk(Function<PageRequest, CompletionStage<Page<T>>> list,
                                             PageRequest request, Function<T, CompletionStage<Outcome>> one,
                                             Counts counts) {
        return list.apply(request).thenCompose(page -> each(page.items().iterator(), one, counts)
                .thenCompose(after -> page.next().isPresent()
                        ? walk(list, request.at(page.next().get()), one, after)
                        : CompletableFuture.completedStage(after)));
    }

    /** One item after another; complete stages run in a loop, as recursion would overflow the stack on a long page. */
    private static <T> CompletionStage<Counts> each(Iterator<T> items, Function<T, CompletionStage<Outcome>> one,
                                                    Counts counts) {
        Counts total = counts;
        while (items.hasNext()) {
            CompletableFuture<Outcome> next = one.apply(items.next()).toCompletableFuture();
            if (!next.isDone() || next.isCompletedExceptionally()) {
                Counts before = total;
                return next.thenCompose(outcome -> each(items, one, before.plus(outcome)));
            }
            total = total.plus(next.join());
        }
        return CompletableFuture.completedStage(total);
    }

    private CompletionStage<Outcome> record(IpRecord source) {
        IpRecord record = source.accountSid().equals(account) ? source
                : new IpRecord(account, source.sid(), source.friendlyName(), source.ipAddress(),
                        source.cidrPrefixLength(), source.dateCreated(), source.dateUpdated());
        return ipRecordStore.find(account, record.sid()).thenCompose(found -> {
            if (found.isEmpty()) {
                return write(() -> ipRecordStore.insert(record), "IP record " + record.sid() + " ("
                        + record.prefix() + ")", Outcome.CREATED);
            }
            IpRecord here = found.get();
            if (here.equals(record)) {
                return CompletableFuture.completedStage(Outcome.UNCHANGED);
            }
            if (!here.ipAddress().equals(record.ipAddress()) || here.cidrPrefixLength() != record.cidrPrefixLength()
                    || !here.dateCreated().equals(record.dateCreated())) {
                return conflict("IP record " + record.sid() + " is " + here.prefix() + " here but "
                        + record.prefix() + " at the source; left as it is");
            }
            return write(() -> ipRecordStore.replace(record), "IP record " + record.sid() + " (friendly name)",
                    Outcome.UPDATED);
        });
    }

    private CompletionStage<Outcome> mapping(SourceIpMapping source) {
        SourceIpMapping mapping = new SourceIpMapping(account, source.sid(), source.ipRecordSid(),
                source.sipDomainSid(), source.dateCreated(), source.dateUpdated());
        return mappingStore.find(account, mapping.sid()).thenCompose(found -> {
            if (found.isEmpty()) {
                return write(() -> mappingStore.insert(mapping), "source IP mapping " + mapping.sid() + " ("
                        + mapping.ipRecordSid() + " to " + mapping.sipDomainSid() + ")", Outcome.CREATED);
            }
            SourceIpMapping here = found.get();
            if (here.equals(mapping)) {
                return CompletableFuture.completedStage(Outcome.UNCHANGED);
            }
            if (!here.ipRecordSid().equals(mapping.ipRecordSid()) || !here.dateCreated().equals(mapping.dateCreated())) {
                return conflict("source IP mapping " + mapping.sid() + " maps " + here.ipRecordSid()
                        + " here but " + mapping.ipRecordSid() + " at the source; left as it is");
            }
            return write(() -> mappingStore.replace(mapping), "source IP mapping " + mapping.sid() + " (now to "
                    + mapping.sipDomainSid() + ")", Outcome.UPDATED);
        });
    }

    /** Writes, unless in a dry run, and says what was done; a store's refusal is a conflict, anything else fails. */
    private CompletionStage<Outcome> write(Supplier<CompletionStage<?>> change, String subject, Outcome outcome) {
        String verb = outcome == Outcome.CREATED ? "create" : "update";
        if (dryRun) {
            say.accept("import: would " + verb + " " + subject);
            return CompletableFuture.completedStage(outcome);
        }
        return change.get().handle((written, failure) -> {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof SipmapException.Conflict || cause instanceof SipmapException.InvalidParameter) {
                return Optional.of(cause.getMessage());
            }
            if (cause != null) {
                throw new CompletionException(cause);
            }
            return written instanceof Optional<?> replaced && replaced.isEmpty()
                    ? Optional.of(subject + " was deleted meanwhile") : Optional.<String>empty();
        }).thenCompose(refused -> {
            if (refused.isPresent()) {
                return conflict(refused.get() + "; left as it is");
            }
            say.accept("import: " + verb + "d " + subject);
            return CompletableFuture.completedStage(outcome);
        });
    }

    private CompletionStage<Outcome> conflict(String message) {
        conflicts.add(message);
        say.accept("import: conflict: " + message);
        return CompletableFuture.completedStage(Outcome.CONFLICT);
    }
}

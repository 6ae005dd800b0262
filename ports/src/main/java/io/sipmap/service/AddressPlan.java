package io.sipmap.service;

import io.sipmap.api.Batch;
import io.sipmap.api.BatchChange;
import io.sipmap.api.BatchChange.CreateIpRecordChange;
import io.sipmap.api.BatchChange.CreateSourceIpMappingChange;
import io.sipmap.api.BatchChange.DeleteIpRecordChange;
import io.sipmap.api.BatchChange.DeleteSourceIpMappingChange;
import io.sipmap.api.BatchChange.UpdateIpRecordChange;
import io.sipmap.api.BatchChange.UpdateSourceIpMappingChange;
import io.sipmap.api.CreateIpRecord;
import io.sipmap.api.IpRecords;
import io.sipmap.api.SourceIpMappings;
import io.sipmap.api.UpdateIpRecord;
import io.sipmap.domain.AccountSid;
import io.sipmap.domain.IpRecord;
import io.sipmap.domain.IpRecordSid;
import io.sipmap.domain.IpPrefix;
import io.sipmap.domain.Page;
import io.sipmap.domain.PageRequest;
import io.sipmap.domain.SipDomainSid;
import io.sipmap.domain.SourceIpMapping;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * What it takes for an account to hold exactly an {@link AddressList} within a scope: which records to create (with
 * their mappings), re-map, rename, map, remove, and which stay, and the one {@link Batch} that does it. Pure: it
 * compares what it is given, so the command line, the web console and tests share it.
 *
 * <p>A record is in scope when its friendly name starts with the scope's prefix (if it has one) and its mapping maps to
 * the scope's SIP domain (if it has one; an unmapped record is then out of scope); only records in scope are
 * compared, kept or removed, so that lists scoped apart share one account. A wanted entry matches the record in scope
 * with the same address as given and prefix length (the oldest, when several have them; the others are removed);
 * entries outside the scope are refused, as applying them would leave records the next run removes.
 *
 * @param steps what happens to each entry and each record in scope, removals first, then in list order
 * @param batch the changes, in an order the store accepts (mappings removed before their records); empty when the
 *              account already holds the list
 */
public record AddressPlan(List<Step> steps, Optional<Batch> batch) {

    /** What happens to one network. */
    public enum Action { CREATE, MAP, REMAP, RENAME, REMOVE, KEEP }

    /** What a scope selects; both parts optional (null). */
    public record Scope(String friendlyNamePrefix, SipDomainSid sipDomainSid) {
        public static final Scope ALL = new Scope(null, null);

        boolean holds(IpRecord record, SourceIpMapping mapping) {
            return (friendlyNamePrefix == null || record.friendlyName() != null
                    && record.friendlyName().startsWith(friendlyNamePrefix))
                    && (sipDomainSid == null || mapping != null && mapping.sipDomainSid().equals(sipDomainSid));
        }

        boolean holds(AddressList.Entry entry) {
            return (friendlyNamePrefix == null || entry.friendlyName() != null
                    && entry.friendlyName().startsWith(friendlyNamePrefix))
                    && (sipDomainSid == null || entry.sipDomainSid().equals(sipDomainSid));
        }
    }

    /**
     * One line of the plan.
     *
     * @param action what happens
     * @param prefix the network as given
     * @param detail what it maps to, and from what, for people
     */
    public record Step(Action action, IpPrefix prefix, String detail) {
        @Override
        public String toString() {
            return String.format("%-7s %-18s %s", action.name().toLowerCase(Locale.ROOT), prefix, detail);
        }
    }

    /** Lower-case SID text sorts as the SID's number: creation order. */
    private static final Comparator<IpRecord> OLDEST_FIRST = Comparator.comparing(r -> r.sid().value());

    public AddressPlan {
        steps = List.copyOf(steps);
        Objects.requireNonNull(batch, "batch");
    }

    /** How many steps of each action, every action present. */
    public Map<Action, Integer> counts() {
        Map<Action, Integer> counts = new EnumMap<>(Action.class);
        for (Action action : Action.values()) {
            counts.put(action, 0);
        }
        steps.forEach(step -> counts.merge(step.action(), 1, Integer::sum));
        return counts;
    }

    /** "2 to create, 1 to re-map, ..., 7 unchanged". */
    public String summary() {
        Map<Action, Integer> c = counts();
        return c.get(Action.CREATE) + " to create, " + c.get(Action.MAP) + " to map, " + c.get(Action.REMAP)
                + " to re-map, " + c.get(Action.RENAME) + " to rename, " + c.get(Action.REMOVE) + " to remove, "
                + c.get(Action.KEEP) + " unchanged";
    }

    /**
     * The plan for the account holding {@code records} and {@code mappings} (all of them, or at least all in scope).
     *
     * @throws AddressList.Invalid naming the entries outside the scope
     */
    public static AddressPlan of(List<IpRecord> records, List<SourceIpMapping> mappings, AddressList wanted,
                                 Scope scope) {
        List<String> outside = new ArrayList<>();
        for (AddressList.Entry entry : wanted.entries()) {
            if (!scope.holds(entry)) {
                outside.add("line " + entry.line() + ": outside the scope (" + describe(scope) + ")");
            }
        }
        if (!outside.isEmpty()) {
            throw new AddressList.Invalid(outside);
        }
        Map<IpRecordSid, SourceIpMapping> mappingOf = new HashMap<>();
        mappings.forEach(m -> mappingOf.put(m.ipRecordSid(), m));
        // the records in scope by network, oldest (smallest SID) first
        Map<IpPrefix, IpRecord> held = new LinkedHashMap<>();
        List<IpRecord> extra = new ArrayList<>();
        records.stream().sorted(OLDEST_FIRST)
                .filter(r -> scope.holds(r, mappingOf.get(r.sid())))
                .forEach(r -> {
                    if (held.putIfAbsent(r.prefix(), r) != null) {
                        extra.add(r);
                    }
                });
        Map<IpPrefix, AddressList.Entry> wantedByNetwork = new HashMap<>();
        wanted.entries().forEach(e -> wantedByNetwork.put(e.prefix(), e));

        List<Step> steps = new ArrayList<>();
        List<BatchChange> removals = new ArrayList<>();
        List<BatchChange> changes = new ArrayList<>();
        List<IpRecord> removed = new ArrayList<>(extra);
        held.values().stream().filter(r -> !wantedByNetwork.containsKey(r.prefix())).forEach(removed::add);
        removed.sort(OLDEST_FIRST);
        for (IpRecord record : removed) {
            SourceIpMapping mapping = mappingOf.get(record.sid());
            if (mapping != null) {
                removals.add(new DeleteSourceIpMappingChange(mapping.sid()));
            }
            changes.add(new DeleteIpRecordChange(record.sid()));
            steps.add(new Step(Action.REMOVE, record.prefix(), record.sid() + (mapping == null ? " (unmapped)"
                    : " -> " + mapping.sipDomainSid()) + name(record.friendlyName())));
        }
        int ref = 0;
        for (AddressList.Entry entry : wanted.entries()) {
            IpRecord record = held.get(entry.prefix());
            if (record == null) {
                String r = "r" + ref++;
                changes.add(new CreateIpRecordChange(r, new CreateIpRecord(entry.prefix().address(),
                        entry.friendlyName(), entry.prefix().length())));
                changes.add(new CreateSourceIpMappingChange(null, r, entry.sipDomainSid()));
                steps.add(new Step(Action.CREATE, entry.prefix(), "-> " + entry.sipDomainSid()
                        + name(entry.friendlyName())));
                continue;
            }
            SourceIpMapping mapping = mappingOf.get(record.sid());
            boolean renamed = !Objects.equals(
                    record.friendlyName() == null || record.friendlyName().isEmpty() ? null : record.friendlyName(),
                    entry.friendlyName());
            if (mapping == null) {
                changes.add(new CreateSourceIpMappingChange(record.sid(), null, entry.sipDomainSid()));
                steps.add(new Step(Action.MAP, entry.prefix(), record.sid() + " -> " + entry.sipDomainSid()));
            } else if (!mapping.sipDomainSid().equals(entry.sipDomainSid())) {
                changes.add(new UpdateSourceIpMappingChange(mapping.sid(), entry.sipDomainSid()));
                steps.add(new Step(Action.REMAP, entry.prefix(), record.sid() + " " + mapping.sipDomainSid()
                        + " -> " + entry.sipDomainSid()));
            }
            if (renamed) {
                // an empty name cannot be set back to null through an update: Twilio's FriendlyName has no null
                changes.add(new UpdateIpRecordChange(record.sid(), new UpdateIpRecord(
                        entry.friendlyName() == null ? "" : entry.friendlyName())));
                steps.add(new Step(Action.RENAME, entry.prefix(), record.sid() + name(record.friendlyName())
                        + " ->" + name(entry.friendlyName())));
            }
            if (mapping != null && mapping.sipDomainSid().equals(entry.sipDomainSid()) && !renamed) {
                steps.add(new Step(Action.KEEP, entry.prefix(), record.sid() + " -> " + mapping.sipDomainSid()
                        + name(record.friendlyName())));
            }
        }
        removals.addAll(changes);
        return new AddressPlan(steps, removals.isEmpty() ? Optional.empty() : Optional.of(new Batch(removals)));
    }

    /**
     * The plan for the account as {@code ipRecords} and {@code mappings} list it now, every page read (1000 a page);
     * fails as their {@code list} does, and with {@link AddressList.Invalid} for entries outside the scope.
     */
    public static CompletionStage<AddressPlan> of(IpRecords ipRecords, SourceIpMappings mappings, AccountSid account,
                                                  AddressList wanted, Scope scope) {
        return all(request -> ipRecords.list(account, request), PageRequest.first(PageRequest.MAX_SIZE),
                new ArrayList<IpRecord>())
                .thenCompose(records -> all(request -> mappings.list(account, request),
                        PageRequest.first(PageRequest.MAX_SIZE), new ArrayList<SourceIpMapping>())
                        .thenApply(held -> of(records, held, wanted, scope)));
    }

    private static <T> CompletionStage<List<T>> all(Function<PageRequest, CompletionStage<Page<T>>> list,
                                                    PageRequest request, List<T> into) {
        return list.apply(request).thenCompose(page -> {
            into.addAll(page.items());
            return page.next().isPresent() ? all(list, request.at(page.next().get()), into)
                    : CompletableFuture.completedStage(into);
        });
    }

    private static String name(String friendlyName) {
        return friendlyName == null ? " (no name)" : " \"" + friendlyName + "\"";
    }

    private static String describe(Scope scope) {
        List<String> parts = new ArrayList<>();
        if (scope.friendlyNamePrefix() != null) {
            parts.add("friendly name starting with \"" + scope.friendlyNamePrefix() + "\"");
        }
        if (scope.sipDomainSid() != null) {
            parts.add("SIP domain " + scope.sipDomainSid());
        }
        return String.join(", ", parts);
    }
}

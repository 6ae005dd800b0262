package io.sipmap.domain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * An account's resolution table at one point of its change sequence: what every mapped IP record resolves to, as it
 * stood after change {@code head} and before the next. A reader that loads it and then applies the changes after
 * {@code head} holds the table as it is now.
 *
 * @param head    the last change it reflects, {@link ChangeId#ZERO} for none
 * @param entries one per mapped IP record, in {@link #FIRST_MATCH} order
 */
public record AddressSnapshot(ChangeId head, List<Resolution> entries) {

    /**
     * The order in which the first entry containing an address is the {@link Resolution} winner for it, so that a
     * proxy taking the first match of a list (Kamailio's {@code permissions} subnets) agrees with resolution: IPv4
     * before IPv6 (no address is in both); then the longest prefix first; at equal length by network (unsigned, for
     * a stable order); for the same network and length, the smallest IP record SID, which is the oldest record.
     */
    public static final Comparator<Resolution> FIRST_MATCH = Comparator
            .comparing((Resolution r) -> r.prefix().address().isIpv6())
            .thenComparingInt((Resolution r) -> -r.prefix().length())
            .thenComparing((Resolution r) -> r.prefix().network())
            .thenComparing(Resolution::ipRecordSid);

    public AddressSnapshot {
        Objects.requireNonNull(head, "head");
        List<Resolution> sorted = new ArrayList<>(Objects.requireNonNull(entries, "entries"));
        sorted.sort(FIRST_MATCH);
        entries = List.copyOf(sorted);
    }

    /**
     * The entries that win some address: those not shadowed by an older record over the same network and length,
     * which never win any. A proxy that lists only these needs no tie-break of its own for equal networks.
     */
    public List<Resolution> winners() {
        List<Resolution> winners = new ArrayList<>(entries.size());
        Resolution last = null;
        for (Resolution entry : entries) {
            if (last == null || last.prefix().length() != entry.prefix().length()
                    || !last.prefix().network().equals(entry.prefix().network())) {
                winners.add(entry);
            }
            last = entry;
        }
        return winners;
    }
}

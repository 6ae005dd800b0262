package io.sipmap.api;

import io.sipmap.api.BatchChange.CreateIpRecordChange;
import io.sipmap.api.BatchChange.CreateSourceIpMappingChange;
import io.sipmap.domain.SipmapException;
import io.sipmap.domain.SipmapException.BatchRefused.Failure;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Changes of one account's IP records and source IP mappings, applied together or not at all ({@link Batches}).
 * Checked when made: 1 to {@link #MAX_CHANGES} changes, each {@code ref} defined once and used only after the change
 * that defines it.
 *
 * @param changes in the order they apply
 */
public record Batch(List<BatchChange> changes) {

    /**
     * The most changes one batch holds: enough to create 10,000 records with their mappings, the size of the largest
     * lists carriers publish, and little enough that one transaction stays short.
     */
    public static final int MAX_CHANGES = 20_000;

    /**
     * @throws SipmapException.InvalidParameter naming {@code changes} when there are none or too many
     * @throws SipmapException.BatchRefused      listing every change whose {@code ref} is repeated or not defined before
     */
    public Batch {
        changes = List.copyOf(changes);
        if (changes.isEmpty() || changes.size() > MAX_CHANGES) {
            throw new SipmapException.InvalidParameter("changes", "Invalid changes: expected 1 to " + MAX_CHANGES
                    + " changes, got " + changes.size());
        }
        List<Failure> failures = refFailures(changes);
        if (!failures.isEmpty()) {
            throw refused(failures, changes.size());
        }
    }

    /**
     * The changes whose {@code ref} is defined twice or used before (or without) its definition, in batch order; a
     * null entry (a change that could not be read) is skipped, and so is a use of its ref, had it one.
     */
    public static List<Failure> refFailures(List<BatchChange> changes) {
        Objects.requireNonNull(changes, "changes");
        Set<String> defined = new HashSet<>();
        List<Failure> failures = new ArrayList<>();
        for (int i = 0; i < changes.size(); i++) {
            BatchChange change = changes.get(i);
            if (change instanceof CreateIpRecordChange create && create.ref() != null && !defined.add(create.ref())) {
                failures.add(new Failure(i, new SipmapException.InvalidParameter("ref",
                        "Invalid ref: '" + create.ref() + "' is defined by an earlier change")));
            } else if (change instanceof CreateSourceIpMappingChange map && map.ipRecordRef() != null
                    && !defined.contains(map.ipRecordRef())) {
                failures.add(new Failure(i, new SipmapException.InvalidParameter("ip_record",
                        "Invalid ip_record: no earlier create_ip_record has ref '" + map.ipRecordRef() + "'")));
            }
        }
        return failures;
    }

    /** The failure of a batch of {@code size} changes with these failed ones, nothing of it applied. */
    public static SipmapException.BatchRefused refused(List<Failure> failures, int size) {
        return new SipmapException.BatchRefused("Invalid batch: " + failures.size() + " of " + size
                + " changes refused; nothing was applied", failures);
    }
}

package io.sipmap.domain;

import java.util.List;
import java.util.Objects;

/**
 * What a read of an account's changes after a number found: the changes, in order and without gaps, or that the
 * reader is too far behind (or ahead) for the log to tell it what it missed, and must start again from a snapshot.
 *
 * @param head    the account's latest change when read, {@link ChangeId#ZERO} for none
 * @param tooOld  whether the changes after the number asked for are no longer all kept (or the number is beyond
 *                {@code head}); {@code changes} is then empty
 * @param changes the changes after the number asked for, numbered from it plus one, consecutive, at most the limit
 *                asked for; empty when there are none yet
 */
public record ChangeBatch(ChangeId head, boolean tooOld, List<Change> changes) {

    public ChangeBatch {
        Objects.requireNonNull(head, "head");
        changes = List.copyOf(Objects.requireNonNull(changes, "changes"));
        if (tooOld && !changes.isEmpty()) {
            throw new IllegalArgumentException("a batch too old to read carries no change");
        }
    }

    /** The changes after {@code after} up to the head. */
    public static ChangeBatch of(ChangeId head, List<Change> changes) {
        return new ChangeBatch(head, false, changes);
    }

    /** The reader must start again from a snapshot. */
    public static ChangeBatch reset(ChangeId head) {
        return new ChangeBatch(head, true, List.of());
    }
}

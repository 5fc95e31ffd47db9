package dev.flotilla.registry;

import java.util.List;

/**
 * What {@link Schedule#apply} did. Every change of the batch is in exactly one of the two lists.
 * Immutable.
 *
 * @param applied the changes written, in the order given
 * @param refused the changes refused, in the order given
 * @param revision the store revision of the last transaction that wrote; 0 when nothing was written
 */
public record ScheduleResult(List<ScheduleChange> applied, List<ScheduleRefusal> refused, long revision) {

    /** Copies the lists. */
    public ScheduleResult {
        applied = List.copyOf(applied);
        refused = List.copyOf(refused);
    }

    /** Whether every change was applied. */
    public boolean allApplied() {
        return refused.isEmpty();
    }
}

package dev.flotilla.engine;

import dev.flotilla.engine.scheduler.Decision;
import dev.flotilla.registry.UnschedulableRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What one leader pass did: planned from the registry at {@code revision}, wrote the
 * {@code applied} decisions and the new unschedulable reasons, and left {@code refused} changes for
 * the next pass (someone changed those units meanwhile). A pass that changes nothing writes nothing
 * and reports empty lists. Immutable.
 *
 * @param number the pass's sequence number in this engine, from 1
 * @param term the leadership term the pass ran in (a store revision, see
 *     {@link dev.flotilla.registry.Leadership#term()})
 * @param startedAt when the pass started, by the engine's clock
 * @param duration how long it took, planning and writing
 * @param revision the store revision of the registry snapshot it planned from
 * @param machines live machines in that snapshot
 * @param units units in that snapshot (templates and inactive units included)
 * @param applied the schedule decisions written (assign, move, unassign, each with its reason), by unit
 * @param markedUnschedulable the unschedulable reasons written (only new or changed ones), by unit
 * @param unschedulable units needing a machine and getting none after the pass
 * @param refused changes refused by compare-and-set (replanned on a later pass)
 */
public record PassReport(long number, long term, Instant startedAt, Duration duration, long revision,
        int machines, int units, List<Decision> applied, List<UnschedulableRecord> markedUnschedulable,
        int unschedulable, int refused) {

    /** Copies the lists. */
    public PassReport {
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(duration, "duration");
        applied = List.copyOf(applied);
        markedUnschedulable = List.copyOf(markedUnschedulable);
    }

    /** Whether the pass wrote anything. */
    public boolean wrote() {
        return !applied.isEmpty() || !markedUnschedulable.isEmpty();
    }
}

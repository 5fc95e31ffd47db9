package dev.flotilla.registry;

import java.util.Objects;
import java.util.Optional;

/**
 * What a schedule change was planned against: the revisions of the unit and of its schedule entry
 * as the planner saw them (in a {@link RegistrySnapshot}, via {@link RegistrySnapshot#basis}). The
 * change is applied only if both are still current, so a plan made on stale data is refused rather
 * than overwriting a newer decision. Immutable.
 *
 * @param unitRevision the unit key's modification revision; 0 when the unit did not exist
 * @param scheduledOn the machine the unit was placed on; empty when it was not placed
 * @param scheduleRevision the schedule entry's modification revision; 0 when it was not placed
 */
public record ScheduleBasis(long unitRevision, Optional<MachineId> scheduledOn, long scheduleRevision) {

    /**
     * Validates the revisions.
     *
     * @throws IllegalArgumentException when a revision is negative, or {@code scheduledOn} and
     *     {@code scheduleRevision} disagree about whether the unit was placed
     */
    public ScheduleBasis {
        Objects.requireNonNull(scheduledOn, "scheduledOn");
        if (unitRevision < 0 || scheduleRevision < 0) {
            throw new IllegalArgumentException("revisions are not negative: unit " + unitRevision + ", schedule "
                    + scheduleRevision);
        }
        if (scheduledOn.isPresent() != (scheduleRevision > 0)) {
            throw new IllegalArgumentException("a placed unit has a schedule revision and an unplaced one has none: "
                    + scheduledOn + " at " + scheduleRevision);
        }
    }

    /** The basis of a unit at {@code unitRevision} that was not placed. */
    public static ScheduleBasis unplaced(long unitRevision) {
        return new ScheduleBasis(unitRevision, Optional.empty(), 0);
    }
}

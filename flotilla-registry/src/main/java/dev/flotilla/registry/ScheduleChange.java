package dev.flotilla.registry;

import java.util.Objects;
import java.util.Optional;

import dev.flotilla.unit.UnitName;

/**
 * One change of a schedule plan, applied by {@link Schedule#apply} only if its
 * {@link ScheduleBasis} still holds. Every change also settles the unit's unschedulable reasons.
 */
public sealed interface ScheduleChange {

    /** The unit the change is about. */
    UnitName unit();

    /** What the change was planned against. */
    ScheduleBasis basis();

    /**
     * Places the unit (or updates its placement: another machine, state or hash) and clears its
     * unschedulable reasons.
     *
     * @param entry the new placement
     * @param basis what it was planned against
     * @param reason why the unit goes there, stored with the entry for anyone watching the schedule
     *     (the events stream): e.g. why it left its previous machine ({@code machine 2aa4e35a is gone})
     */
    record Place(ScheduleEntry entry, ScheduleBasis basis, Optional<String> reason) implements ScheduleChange {
        /** Checks that no component is null. */
        public Place {
            Objects.requireNonNull(entry, "entry");
            Objects.requireNonNull(basis, "basis");
            Objects.requireNonNull(reason, "reason");
        }

        /** A placement without a reason (a unit placed for the first time, or its entry rewritten in place). */
        public Place(ScheduleEntry entry, ScheduleBasis basis) {
            this(entry, basis, Optional.empty());
        }

        @Override
        public UnitName unit() {
            return entry.unit();
        }
    }

    /**
     * Removes the unit's placement (it became inactive, or its machine left) and clears its
     * unschedulable reasons.
     *
     * @param unit the unit
     * @param basis what it was planned against
     */
    record Unplace(UnitName unit, ScheduleBasis basis) implements ScheduleChange {
        /** Checks that no component is null. */
        public Unplace {
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(basis, "basis");
        }
    }

    /**
     * Records why the unit cannot be placed, and removes its placement if it had one.
     *
     * @param record the reasons
     * @param basis what it was planned against
     */
    record MarkUnschedulable(UnschedulableRecord record, ScheduleBasis basis) implements ScheduleChange {
        /** Checks that no component is null. */
        public MarkUnschedulable {
            Objects.requireNonNull(record, "record");
            Objects.requireNonNull(basis, "basis");
        }

        @Override
        public UnitName unit() {
            return record.unit();
        }
    }
}

package dev.flotilla.engine.scheduler;

import dev.flotilla.unit.UnitName;
import java.util.Objects;

/**
 * One change to the schedule (unit to machine) that a plan makes. The leader applies each with
 * compare-and-set on the unit's schedule entry: {@link Assign} expects no entry, {@link Unassign}
 * and {@link Move} expect the entry to still name the machine the unit leaves. Immutable.
 */
public sealed interface Decision {

    /** The unit this decision is about. */
    UnitName unit();

    /**
     * Place an unscheduled unit.
     *
     * @param unit the unit
     * @param machineId where it goes
     */
    record Assign(UnitName unit, String machineId) implements Decision {
        /** Checks that no component is null. */
        public Assign {
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(machineId, "machineId");
        }
    }

    /**
     * Take a unit off its machine and place it nowhere.
     *
     * @param unit the unit
     * @param machineId the machine it leaves (possibly gone)
     * @param reason why, e.g. {@code desired state inactive} or {@code machine 2aa4e35a is gone}
     */
    record Unassign(UnitName unit, String machineId, String reason) implements Decision {
        /** Checks that no component is null. */
        public Unassign {
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(machineId, "machineId");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * Move a unit from one machine to another in one step.
     *
     * @param unit the unit
     * @param from the machine it leaves (possibly gone)
     * @param to the machine it goes to
     * @param reason why it leaves {@code from}
     */
    record Move(UnitName unit, String from, String to, String reason) implements Decision {
        /** Checks that no component is null. */
        public Move {
            Objects.requireNonNull(unit, "unit");
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            Objects.requireNonNull(reason, "reason");
        }
    }
}

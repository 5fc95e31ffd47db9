package dev.flotilla.registry;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.flotilla.unit.UnitName;

/**
 * Why a unit that should be placed is not: one reason per machine that refused it (or a
 * cluster-wide reason, such as no machine at all). Written by the engine only when the reasons
 * change; removed when the unit is placed, unplaced or destroyed. Immutable.
 *
 * @param unit the unit
 * @param reasons the refusals, in the engine's order (by machine ID); not empty
 */
public record UnschedulableRecord(UnitName unit, List<Reason> reasons) {

    /**
     * Copies the reasons.
     *
     * @throws IllegalArgumentException when there is no reason
     */
    public UnschedulableRecord {
        Objects.requireNonNull(unit, "unit");
        reasons = List.copyOf(reasons);
        if (reasons.isEmpty()) {
            throw new IllegalArgumentException("an unschedulable unit (" + unit + ") needs at least one reason");
        }
    }

    /**
     * One refusal.
     *
     * @param machineId the machine that refused the unit; empty for a reason that holds for every
     *     machine ("no machines have joined")
     * @param reason what to tell the user: {@code "conflicts with web@02.service"}
     */
    public record Reason(Optional<MachineId> machineId, String reason) {

        /**
         * Validates the reason.
         *
         * @throws IllegalArgumentException when the text is blank
         */
        public Reason {
            Objects.requireNonNull(machineId, "machineId");
            Objects.requireNonNull(reason, "reason");
            if (reason.isBlank()) {
                throw new IllegalArgumentException("an unschedulable reason must say something");
            }
        }

        /** A machine's refusal. */
        public static Reason on(MachineId machineId, String reason) {
            return new Reason(Optional.of(machineId), reason);
        }

        /** A refusal that holds for every machine. */
        public static Reason everywhere(String reason) {
            return new Reason(Optional.empty(), reason);
        }
    }
}

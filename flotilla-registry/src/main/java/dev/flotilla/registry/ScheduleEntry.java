package dev.flotilla.registry;

import java.util.Objects;

import dev.flotilla.unit.ContentHash;
import dev.flotilla.unit.UnitName;

/**
 * A placement decision: unit {@code unit} belongs on machine {@code machineId}, in state
 * {@code desiredState}, with the contents of hash {@code hash}. The engine decides placements
 * ({@link Schedule#apply}); {@link Units} keeps an entry's state and hash equal to its unit's in
 * the same transaction as every unit change, so that an agent acts on its own entries alone
 * (fetching contents only when the hash changes). Immutable.
 *
 * @param unit the unit placed
 * @param machineId the machine it is placed on
 * @param desiredState {@link DesiredState#LOADED} or {@link DesiredState#LAUNCHED}
 * @param hash the contents the machine must run
 */
public record ScheduleEntry(UnitName unit, MachineId machineId, DesiredState desiredState, ContentHash hash) {

    /**
     * Validates the entry.
     *
     * @throws IllegalArgumentException when {@code desiredState} is {@link DesiredState#INACTIVE}
     *     (an inactive unit is not placed: remove its entry instead)
     */
    public ScheduleEntry {
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(machineId, "machineId");
        Objects.requireNonNull(desiredState, "desiredState");
        Objects.requireNonNull(hash, "hash");
        if (!desiredState.isPlaced()) {
            throw new IllegalArgumentException("schedule entry of " + unit
                    + ": an inactive unit is not placed; remove its entry instead");
        }
    }

    /** The entry placing {@code unit} on {@code machineId} with the unit's state and hash. */
    public static ScheduleEntry of(UnitRecord unit, MachineId machineId) {
        return new ScheduleEntry(unit.name(), machineId, unit.desiredState(), unit.hash());
    }
}

package dev.flotilla.engine.scheduler;

import dev.flotilla.unit.FleetOptions;
import dev.flotilla.unit.UnitName;
import java.util.Objects;
import java.util.Optional;

/**
 * One unit as the scheduler sees it. Immutable.
 *
 * @param name the unit's name; a template ({@code web@.service}) is never scheduled
 * @param options its {@code [X-Fleet]} constraints, parsed for this name (so an instance's
 *     {@code %i} is already expanded: {@code MachineOf=web@%i.service} in {@code monweb@07.service}
 *     reads {@code web@07.service})
 * @param desiredState what the user asked for it
 * @param machineId the machine it is scheduled on now, if any; the machine may be gone
 */
public record UnitSpec(UnitName name, FleetOptions options, DesiredState desiredState, Optional<String> machineId) {

    /** Checks that no component is null. */
    public UnitSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(desiredState, "desiredState");
        Objects.requireNonNull(machineId, "machineId");
    }

    /** A unit that is scheduled nowhere yet. */
    public static UnitSpec of(UnitName name, FleetOptions options, DesiredState desiredState) {
        return new UnitSpec(name, options, desiredState, Optional.empty());
    }

    /** This unit, scheduled on {@code machineId}. */
    public UnitSpec onMachine(String machineId) {
        return new UnitSpec(name, options, desiredState, Optional.of(machineId));
    }

    /** Whether this is a template ({@code web@.service}); templates are never scheduled. */
    public boolean isTemplate() {
        return name.isTemplate();
    }

    /** Whether this is a global unit: every machine whose metadata matches runs it. */
    public boolean isGlobal() {
        return options.global();
    }
}

package dev.flotilla.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A unit as fleet's API shows it ({@code GET /fleet/v1/units}) and as a client submits it
 * ({@code PUT /fleet/v1/units/{name}}, where only {@code name}, {@code options}, {@code desiredState}
 * and {@code contents} are read). Null fields are omitted on the wire, as fleet omits empty ones.
 * Immutable.
 *
 * @param name the unit's name, e.g. {@code web@01.service}
 * @param options the unit file as options, in file order; empty for a state-only change
 * @param desiredState {@code inactive}, {@code loaded} or {@code launched}; null in a submission that keeps
 *     the current state (a new unit then starts inactive)
 * @param currentState what the cluster has made of the unit so far (same values; docs/api.md gives the
 *     mapping from the schedule and the agents' reports); null for global units and in submissions
 * @param machineID the machine the unit is placed on; null when it is not placed
 * @param hash Flotilla extension: SHA-1 (40 hex digits) of the unit file as stored; null from fleet
 * @param contents Flotilla extension: the unit file's text, byte for byte as submitted (what {@code cat}
 *     prints). In a submission it takes precedence over {@code options} (which, if given too, must say the
 *     same); served by {@code GET /fleet/v1/units/{name}} only, not by the list
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Unit(String name, List<UnitOption> options, String desiredState, String currentState,
        String machineID, String hash, String contents) {

    /** Copies the options (a missing list reads as empty). */
    public Unit {
        options = options == null ? List.of() : List.copyOf(options);
    }

    /**
     * A submission of a unit file: its options for fleet's servers and its exact text for Flotilla's.
     *
     * @param desired the desired state, or null to keep the current one (inactive for a new unit)
     */
    public static Unit submission(String name, List<UnitOption> options, String contents, DesiredState desired) {
        return new Unit(name, options, desired == null ? null : desired.wire(), null, null, null, contents);
    }

    /** A state-only change, as {@code fleetctl start/stop/load/unload} send it. */
    public static Unit stateChange(String name, DesiredState desired) {
        return new Unit(name, List.of(), desired.wire(), null, null, null, null);
    }
}

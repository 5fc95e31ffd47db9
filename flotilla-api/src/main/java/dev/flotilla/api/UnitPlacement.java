package dev.flotilla.api;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Flotilla extension, {@code GET /v1/units/{name}/placement}: where a unit is placed, or why it cannot be.
 * Immutable.
 *
 * @param name the unit
 * @param desiredState what its user wants ({@code inactive}, {@code loaded}, {@code launched})
 * @param machineID the machine it is placed on; null when it is not placed
 * @param unschedulable why the engine could not place it, per machine (empty when it is placed, inactive,
 *     or not yet considered)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UnitPlacement(String name, String desiredState, String machineID, List<Refusal> unschedulable) {

    /** Copies the refusals (missing reads as empty). */
    public UnitPlacement {
        unschedulable = unschedulable == null ? List.of() : List.copyOf(unschedulable);
    }

    /**
     * One machine's refusal of the unit.
     *
     * @param machineID the refusing machine; null for a reason that holds everywhere ("no machines")
     * @param reason what to tell the user, e.g. {@code conflicts with web@02.service}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Refusal(String machineID, String reason) {
    }
}

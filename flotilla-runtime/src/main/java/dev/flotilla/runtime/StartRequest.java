package dev.flotilla.runtime;

import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import dev.flotilla.unit.MachineFacts;
import dev.flotilla.unit.UnitDefinition;

/**
 * Everything a runtime needs to start a unit: its definition, the facts of the machine it runs on
 * (for specifiers and the {@code FLOTILLA_*}/{@code COREOS_*} variables), and extra environment
 * variables the agent wants every process of the unit to see (lowest precedence: the unit's own
 * {@code Environment=} wins). Immutable.
 *
 * @param definition the unit as submitted; must not be a template
 * @param machine the machine's facts
 * @param environment extra variables, e.g. an endpoint for sidekicks
 */
public record StartRequest(UnitDefinition definition, MachineFacts machine, Map<String, String> environment) {

    /**
     * Checks and copies.
     *
     * @throws IllegalArgumentException when the unit is a template (only instances run)
     */
    public StartRequest {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(machine, "machine");
        environment = Map.copyOf(new TreeMap<>(environment));
        if (definition.name().isTemplate()) {
            throw new IllegalArgumentException(definition.name() + " is a template; start one of its instances, e.g. "
                    + definition.name().withInstance("1"));
        }
    }

    /** A request with no extra environment. */
    public static StartRequest of(UnitDefinition definition, MachineFacts machine) {
        return new StartRequest(definition, machine, Map.of());
    }
}

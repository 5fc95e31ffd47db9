package dev.flotilla.unit;

import java.util.Objects;

/**
 * One option of a unit, as systemd sees it and as fleet's API carries it:
 * {@code {"section": "Service", "name": "ExecStart", "value": "/usr/bin/sleep 1"}}. The value is
 * the effective one: continuations joined, surrounding whitespace trimmed. Immutable.
 *
 * @param section the section name without brackets, e.g. {@code Service}
 * @param name the option name, e.g. {@code ExecStart}
 * @param value the value; empty for an empty assignment ({@code Key=}), which resets a list
 */
public record UnitOption(String section, String name, String value) {

    /**
     * Validates that no component is null; content is checked where options become a unit file
     * ({@link UnitFile#fromOptions}).
     *
     * @throws NullPointerException when a component is null
     */
    public UnitOption {
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}

package dev.flotilla.api;

import java.util.Objects;

/**
 * One option of a unit file as fleet's API carries it: {@code {"section": "Service", "name": "ExecStart",
 * "value": "/usr/bin/sleep 1000"}}. Immutable.
 *
 * @param section the section without brackets, e.g. {@code Service}
 * @param name the option name, e.g. {@code ExecStart}
 * @param value the value, continuations joined; empty for {@code Name=} (fleet omits an empty value on the
 *     wire, so a missing value reads as empty)
 */
public record UnitOption(String section, String name, String value) {

    /**
     * Checks the section and name, and reads a missing value as empty.
     *
     * @throws NullPointerException when the section or name is missing
     */
    public UnitOption {
        Objects.requireNonNull(section, "section");
        Objects.requireNonNull(name, "name");
        value = value == null ? "" : value;
    }
}

package dev.flotilla.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What an agent reports of a unit on its machine ({@code GET /fleet/v1/state}), in systemd's terms.
 * Immutable.
 *
 * @param name the unit
 * @param hash SHA-1 of the unit file the machine runs
 * @param machineID the reporting machine
 * @param systemdLoadState e.g. {@code loaded}
 * @param systemdActiveState e.g. {@code active}, {@code activating}, {@code inactive}, {@code failed}
 * @param systemdSubState e.g. {@code running}, {@code start-pre}, {@code dead}, {@code auto-restart}
 * @param reason Flotilla extension: why the unit is in this state, for people ({@code "exit code 3"});
 *     null when the agent gave none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record UnitState(String name, String hash, String machineID, String systemdLoadState,
        String systemdActiveState, String systemdSubState, String reason) {

    /** Whether systemd would call the unit started: loaded and active. */
    public boolean isLoadedAndActive() {
        return "loaded".equals(systemdLoadState) && "active".equals(systemdActiveState);
    }
}

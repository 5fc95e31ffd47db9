package dev.flotilla.runtime;

/** systemd's load state of a unit, as {@code list-units} shows it in the LOAD column. */
public enum LoadState {
    /** The definition was read and is usable. */
    LOADED("loaded"),
    /** The definition has a setting the runtime refuses; {@link UnitStatus#reason()} says which. */
    BAD_SETTING("bad-setting"),
    /** The runtime could not read its own record of the unit (e.g. after an upgrade); see the reason. */
    ERROR("error");

    private final String systemdName;

    LoadState(String systemdName) {
        this.systemdName = systemdName;
    }

    /** The name systemd and fleetctl print, e.g. {@code bad-setting}. */
    public String systemdName() {
        return systemdName;
    }
}

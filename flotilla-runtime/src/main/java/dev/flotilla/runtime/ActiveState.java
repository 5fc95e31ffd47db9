package dev.flotilla.runtime;

/** systemd's high-level active state of a unit (the ACTIVE column of {@code list-units}). */
public enum ActiveState {
    /** Running (or exited with {@code RemainAfterExit=yes}). */
    ACTIVE("active"),
    /** Not running and nothing went wrong (or it was never started). */
    INACTIVE("inactive"),
    /** Not running because something went wrong; {@link UnitStatus#reason()} says what. */
    FAILED("failed"),
    /** Starting: pre-start commands, start-up, or waiting to restart after a crash. */
    ACTIVATING("activating"),
    /** Stopping: stop commands, signals, post-stop commands. */
    DEACTIVATING("deactivating");

    private final String systemdName;

    ActiveState(String systemdName) {
        this.systemdName = systemdName;
    }

    /** The name systemd and fleetctl print, e.g. {@code activating}. */
    public String systemdName() {
        return systemdName;
    }
}

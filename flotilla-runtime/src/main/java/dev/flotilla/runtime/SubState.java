package dev.flotilla.runtime;

/** systemd's service sub-state (the SUB column of {@code list-units}); names as systemd prints them. */
public enum SubState {
    /** Not running. */
    DEAD("dead"),
    /** Running {@code ExecStartPre=} commands. */
    START_PRE("start-pre"),
    /** Running {@code ExecStart=} (oneshot and forking services until the command returns). */
    START("start"),
    /** Running {@code ExecStartPost=} commands. */
    START_POST("start-post"),
    /** The main process runs. */
    RUNNING("running"),
    /** Finished successfully and stays active ({@code RemainAfterExit=yes}). */
    EXITED("exited"),
    /** Running {@code ExecStop=} commands. */
    STOP("stop"),
    /** Waiting for the unit's processes to exit after the kill signal. */
    STOP_SIGTERM("stop-sigterm"),
    /** Waiting for the unit's processes to exit after SIGKILL. */
    STOP_SIGKILL("stop-sigkill"),
    /** Running {@code ExecStopPost=} commands. */
    STOP_POST("stop-post"),
    /** Killing what the post-stop commands left behind with the kill signal. */
    FINAL_SIGTERM("final-sigterm"),
    /** Killing what the post-stop commands left behind with SIGKILL. */
    FINAL_SIGKILL("final-sigkill"),
    /** Stopped because something went wrong. */
    FAILED("failed"),
    /** Waiting {@code RestartSec=} before an automatic restart. */
    AUTO_RESTART("auto-restart");

    private final String systemdName;

    SubState(String systemdName) {
        this.systemdName = systemdName;
    }

    /** The name systemd and fleetctl print, e.g. {@code auto-restart}. */
    public String systemdName() {
        return systemdName;
    }
}

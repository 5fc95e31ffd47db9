package dev.flotilla.runtime.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;

import dev.flotilla.runtime.ProcessExit;

/** Small readings of the engine's container records, shared by the runtime's classes. Stateless. */
final class Containers {

    private Containers() {}

    /** The first 12 hex digits of an ID, as {@code docker ps} shows it. */
    static String shortId(String id) {
        return id.length() > 12 ? id.substring(0, 12) : id;
    }

    /** The host PID of the container's init, or 0 when it does not run. */
    static long pidOf(InspectContainerResponse c) {
        Long pid = c.getState().getPidLong();
        return pid == null ? 0 : pid;
    }

    /**
     * How the container's main process ended, as Docker reports it: statuses above 128 are deaths by signal
     * (status - 128), which is how the init reports a child killed by one.
     */
    static ProcessExit exitOf(InspectContainerResponse c) {
        Long code = c.getState().getExitCodeLong();
        if (code == null) {
            return new ProcessExit.Unknown();
        }
        if (code > 128 && code <= 128 + 64) {
            int signal = (int) (code - 128);
            return new ProcessExit.Killed(signal, Signals.name(signal), false);
        }
        return code >= 0 && code <= 255 ? new ProcessExit.Exited(code.intValue()) : new ProcessExit.Unknown();
    }
}

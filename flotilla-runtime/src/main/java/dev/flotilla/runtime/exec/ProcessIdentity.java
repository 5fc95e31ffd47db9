package dev.flotilla.runtime.exec;

import java.util.Optional;

/**
 * A process recognised by PID and start time, so that a recorded PID reused by another process
 * after a reboot or wrap-around is never mistaken for ours. Immutable.
 *
 * @param pid the process ID
 * @param startTime its start time from {@code /proc/<pid>/stat} (clock ticks after boot)
 */
record ProcessIdentity(long pid, long startTime) {

    /** The identity of the live process {@code pid}, or empty when it is gone. */
    static Optional<ProcessIdentity> of(long pid) {
        return ProcStat.read(pid).filter(s -> !s.isGone()).map(s -> new ProcessIdentity(pid, s.startTime()));
    }

    /** Whether this very process still runs (zombies count as gone). */
    boolean alive() {
        return ProcStat.read(pid).filter(s -> s.startTime() == startTime && !s.isGone()).isPresent();
    }

    /** {@code pid:startTime}, the form persisted in unit records. */
    String encode() {
        return pid + ":" + startTime;
    }

    /** Reads {@link #encode()}'s form. */
    static ProcessIdentity decode(String text) {
        int colon = text.indexOf(':');
        return new ProcessIdentity(Long.parseLong(text.substring(0, colon)), Long.parseLong(text.substring(colon + 1)));
    }
}

package dev.flotilla.runtime;

import java.util.Objects;

/**
 * How a process ended: an exit status, a signal, or unknown (it ended while no one could collect
 * its status). Immutable.
 */
public sealed interface ProcessExit {

    /** Whether systemd would call this a clean exit: status 0, or SIGHUP, SIGINT, SIGTERM or SIGPIPE. */
    boolean clean();

    /** systemd's short form: {@code status=1}, {@code signal=TERM}, {@code status=unknown}. */
    String describe();

    /**
     * The process exited with a status.
     *
     * @param status the exit status, 0 to 255
     */
    record Exited(int status) implements ProcessExit {
        /**
         * Checks the range.
         *
         * @throws IllegalArgumentException when the status is outside 0..255
         */
        public Exited {
            if (status < 0 || status > 255) {
                throw new IllegalArgumentException("exit status out of range: " + status);
            }
        }

        @Override
        public boolean clean() {
            return status == 0;
        }

        @Override
        public String describe() {
            return "status=" + status;
        }
    }

    /**
     * The process was killed by a signal.
     *
     * @param signal the signal number
     * @param name the signal's name without {@code SIG}, e.g. {@code TERM}
     * @param coreDumped whether it dumped core
     */
    record Killed(int signal, String name, boolean coreDumped) implements ProcessExit {
        /** Checks that the name is present. */
        public Killed {
            Objects.requireNonNull(name, "name");
        }

        @Override
        public boolean clean() {
            return signal == 1 || signal == 2 || signal == 13 || signal == 15;
        }

        @Override
        public String describe() {
            return "signal=" + name + (coreDumped ? " (core dumped)" : "");
        }
    }

    /**
     * The process is gone and its status could not be collected (it was not a child of anything
     * that recorded it). Treated as unclean.
     */
    record Unknown() implements ProcessExit {
        @Override
        public boolean clean() {
            return false;
        }

        @Override
        public String describe() {
            return "status=unknown";
        }
    }
}
